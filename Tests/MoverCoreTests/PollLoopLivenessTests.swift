import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct PollLoopLivenessTests {
    @Test func aLoopThatStopsTurningIsNotAlive() {
        let liveness = PollLoopLiveness(staleAfter: .seconds(90))
        liveness.tick()
        #expect(liveness.check().alive)
        #expect(!liveness.check(now: .now + .seconds(91)).alive)
        liveness.stop()
        #expect(!liveness.check().alive)
    }

    @Test func waitingForCapacityCountsAsAlive() async {
        let liveness = PollLoopLiveness(staleAfter: .milliseconds(10))
        await liveness.waiting {
            // Well past staleAfter, as a long wait for capacity would be.
            #expect(liveness.check(now: .now + .seconds(1)).alive)
        }
        #expect(liveness.check().alive, "the end of a wait is a tick")
    }
}
