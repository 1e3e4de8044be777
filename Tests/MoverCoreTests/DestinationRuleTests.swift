import MoverCore
import Testing

/// Which side wins when the destination key already holds an object.
@Suite(.timeLimit(.minutes(2))) struct DestinationRuleTests {
    static let a = ETag("9b2cf535f27731c974343645a3985328")!
    static let b = ETag("0123456789abcdef0123456789abcdef")!
    static let source = ObjectFingerprint(size: 5, eTag: a)

    @Test func anAbsentDestinationIsWrittenOnlyWhileAbsent() {
        #expect(DestinationRule.decide(source: Self.source, sourceModified: 100, destination: nil, destinationModified: nil) == .write(.absent))
    }

    @Test func anIdenticalDestinationIsNotWritten() {
        #expect(DestinationRule.decide(source: Self.source, sourceModified: 100, destination: Self.source, destinationModified: 200)
                == .keep(.identical(by: "ETag")))
    }

    /// Before the switch: the source was overwritten after its copy; the newer source wins.
    @Test func anOlderCopyIsReplacedWhileItIsAsInspected() {
        let old = ObjectFingerprint(size: 5, eTag: Self.b)
        #expect(DestinationRule.decide(source: Self.source, sourceModified: 200, destination: old, destinationModified: 100)
                == .write(.replacing(Self.b)))
        // A tie (one-second resolution) goes to the source.
        #expect(DestinationRule.decide(source: Self.source, sourceModified: 100, destination: old, destinationModified: 100)
                == .write(.replacing(Self.b)))
    }

    /// After the switch: the application wrote the destination; its bytes are kept.
    @Test func aNewerDifferentDestinationIsAConflict() {
        let written = ObjectFingerprint(size: 9, eTag: Self.b)
        guard case .conflict(let reason) = DestinationRule.decide(source: Self.source, sourceModified: 100, destination: written,
                                                                  destinationModified: 101) else {
            Issue.record("the application's write would be overwritten"); return
        }
        #expect(reason.contains("after the source"))
    }

    @Test func anUnknownAgeIsNeverOverwritten() {
        let other = ObjectFingerprint(size: 5, eTag: Self.b)
        guard case .conflict = DestinationRule.decide(source: Self.source, sourceModified: nil, destination: other, destinationModified: 100)
        else { Issue.record("overwrote a destination of unknown age"); return }
    }

    /// Only the sizes compare: the bytes are read first; then the content proof decides.
    @Test func sizeAloneAsksForTheBytes() {
        let opaque = ObjectFingerprint(size: 5, eTag: Self.b, eTagIsOpaque: true)
        let sourceOpaque = ObjectFingerprint(size: 5, eTag: Self.a, eTagIsOpaque: true)
        #expect(DestinationRule.decide(source: sourceOpaque, sourceModified: 100, destination: opaque, destinationModified: 200) == .readBoth)
        let same = CopyProof.identical(by: "content SHA-256")
        #expect(DestinationRule.decide(source: sourceOpaque, sourceModified: 100, destination: opaque, destinationModified: 200,
                                       contentProof: same) == .keep(same))
        guard case .conflict = DestinationRule.decide(source: sourceOpaque, sourceModified: 100, destination: opaque, destinationModified: 200,
                                                      contentProof: .different("content SHA-256 differs")) else {
            Issue.record("same-size other bytes would be overwritten"); return
        }
    }
}
