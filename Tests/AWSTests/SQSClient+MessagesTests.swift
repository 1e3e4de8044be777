@testable import AWS
import StrictJSON
import Testing

/// ReceiveMessage and batch answers are read with the strict parser; these pin the shapes
/// accepted and refused.
@Suite(.timeLimit(.minutes(2))) struct SQSClientMessagesTests {
    func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    @Test func readsReceivedMessagesAndTheirAttributes() throws {
        let answer = try json(#"""
        {"Messages":[{"MessageId":"m1","ReceiptHandle":"r1","MD5OfBody":"x","Body":"{\"Records\":[]}",
          "Attributes":{"ApproximateReceiveCount":"3","SentTimestamp":"1764064800000"}},
         {"MessageId":"m2","ReceiptHandle":"r2","Body":"plain"}]}
        """#)
        let messages = try #require(SQSClient.messages(in: answer))
        #expect(messages.map(\.messageId) == ["m1", "m2"])
        #expect(messages[0].body == #"{"Records":[]}"#)
        #expect(messages[0].receiveCount == 3)
        #expect(messages[1].attributes.isEmpty && messages[1].receiveCount == 1)
    }

    @Test func anEmptyReceiveHasNoMessages() throws {
        #expect(SQSClient.messages(in: try json("{}")) == [])
        #expect(SQSClient.messages(in: try json(#"{"Messages":[]}"#)) == [])
    }

    @Test func refusesAnswersOfAnotherShape() throws {
        for text in ["[]", #"{"Messages":{}}"#, #"{"Messages":[{"MessageId":"m1","Body":"b"}]}"#,
                     #"{"Messages":[{"MessageId":"m1","ReceiptHandle":"r1","Body":7}]}"#] {
            #expect(SQSClient.messages(in: try json(text)) == nil, "\(text)")
        }
    }

    @Test func readsBatchFailures() throws {
        let answer = try json(#"""
        {"Successful":[{"Id":"0"}],"Failed":[{"Id":"1","Code":"ReceiptHandleIsInvalid","Message":"bad","SenderFault":true},
          {"Id":"2","Code":"InternalError"}]}
        """#)
        let failures = try #require(SQSClient.batchFailures(in: answer))
        #expect(failures == [
            SQSBatchFailure(id: "1", code: "ReceiptHandleIsInvalid", message: "bad", senderFault: true),
            SQSBatchFailure(id: "2", code: "InternalError", message: "", senderFault: false),
        ])
        #expect(SQSClient.batchFailures(in: try json(#"{"Successful":[{"Id":"0"}]}"#)) == [])
        #expect(SQSClient.batchFailures(in: try json(#"{"Failed":[{"Id":"1"}]}"#)) == nil)
        #expect(SQSClient.batchFailures(in: try json("[]")) == nil)
    }
}
