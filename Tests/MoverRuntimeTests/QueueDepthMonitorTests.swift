@testable import MoverRuntime
import Testing

@Suite(.timeLimit(.minutes(2))) struct QueueDepthMonitorTests {
    @Test func deadLetterURLFromTheRedrivePolicy() {
        let policy = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:avatars-dlq","maxReceiveCount":"5"}"#
        #expect(QueueDepthMonitor.deadLetterURL(redrivePolicy: policy, queueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/avatars")
            == "https://sqs.us-east-1.amazonaws.com/123456789012/avatars-dlq")
        #expect(QueueDepthMonitor.deadLetterURL(redrivePolicy: policy, queueURL: "http://127.0.0.1:5155/123456789012/q")
            == "http://127.0.0.1:5155/123456789012/avatars-dlq")
        #expect(QueueDepthMonitor.deadLetterURL(redrivePolicy: "{}", queueURL: "https://x/1/q") == nil)
    }
}
