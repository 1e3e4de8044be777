import MoverCore
import Testing

@Suite struct ShutdownSignalTests {
    @Test func waitReturnsOnceTriggered() async {
        let shutdown = ShutdownSignal()
        let waiter = Task { await shutdown.wait() }
        shutdown.trigger()
        await waiter.value
        await shutdown.wait()  // already triggered: returns at once
        #expect(shutdown.isTriggered)
    }

    @Test func waitReturnsWhenItsTaskIsCancelled() async {
        let shutdown = ShutdownSignal()
        let waiter = Task { await shutdown.wait() }
        waiter.cancel()
        await waiter.value
        #expect(!shutdown.isTriggered)
    }
}
