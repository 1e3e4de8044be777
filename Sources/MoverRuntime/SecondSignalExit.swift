import Glibc
public import Logging
public import ServiceLifecycle
import UnixSignals

/// The way out of a shutdown that takes too long: the first SIGTERM or SIGINT is the service
/// group's graceful shutdown (this only logs it); a second one exits at once, with 128 + its number.
///
/// List it first in its group, so that it is the last service shut down and listens until the
/// others have stopped.
public struct SecondSignalExit: Service {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func run() async {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        // Listens until its own graceful shutdown, which comes when every other service has stopped.
        await cancelWhenGracefulShutdown { [logger] in
            var seen = 0
            for await signal in signals {
                seen += 1
                if seen > 1 {
                    logger.notice("second signal: exiting now", metadata: ["signal": "\(signal)"])
                    Glibc.exit(128 + signal.rawValue)
                }
                logger.notice("signal received; finishing in-flight work (send it again to exit at once)", metadata: ["signal": "\(signal)"])
            }
        }
    }
}
