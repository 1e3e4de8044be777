import Dispatch
import Glibc
import MoverCore

/// Turns SIGTERM and SIGINT into a graceful shutdown; a second signal exits at once.
enum Signals {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func install(_ shutdown: ShutdownSignal, onFirst: @escaping @Sendable (Int32) -> Void) {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if shutdown.isTriggered { Glibc.exit(128 + number) }
                onFirst(number)
                shutdown.trigger()
            }
            source.resume()
            sources.append(source)
        }
    }
}
