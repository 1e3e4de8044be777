import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct ResumeTrackerTests {
    @Test func advancesOverWhatIsDoneInListingOrder() {
        let tracker = ResumeTracker(startAfter: "image/0")
        let tickets = ["image/1", "image/2", "image/3"].map { tracker.started($0) }
        tracker.finished(tickets[1])
        #expect(tracker.resumePoint == "image/0")
        tracker.finished(tickets[0])
        #expect(tracker.resumePoint == "image/2")
        tracker.finished(tickets[2])
        #expect(tracker.resumePoint == "image/3")
        #expect(tracker.heldKeys == 0)
    }

    /// A permanent failure early in a huge listing: the resume point stays before it, and memory
    /// stays bounded however many objects are listed and finished after it.
    @Test func staysBoundedAfterAnEarlyFailure() {
        let tracker = ResumeTracker()
        let first = tracker.started("image/a")
        let failing = tracker.started("image/b")
        tracker.finished(first)
        tracker.failed(failing)
        for index in 0..<200_000 {
            tracker.finished(tracker.started("image/c\(index)"))
        }
        #expect(tracker.resumePoint == "image/a")
        #expect(tracker.heldKeys == 0)
    }

    @Test func keysInFlightBeforeTheFailureStillCount() {
        let tracker = ResumeTracker()
        let a = tracker.started("a"), b = tracker.started("b"), c = tracker.started("c")
        tracker.failed(c)
        tracker.finished(b)
        tracker.finished(a)
        #expect(tracker.resumePoint == "b")
        #expect(tracker.heldKeys == 0)
    }
}
