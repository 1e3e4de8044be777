import Logging
public import ServiceLifecycle
import UnixSignals

extension Runtime {
    /// Runs `main` in one service group with `observability` (the metrics server and probes):
    /// SIGTERM and SIGINT are its graceful shutdown, and a second signal exits at once.
    ///
    /// The observability services come before `main`, so on shutdown `main` stops first and they
    /// keep answering until it has. When `main` returns, the group shuts the rest down; when it
    /// throws, the group does too, and the error is rethrown. After `shutdownGrace` (if given)
    /// the group cancels what is still running.
    public func run(_ main: any Service, alongside observability: [any Service], shutdownGrace: Duration? = nil) async throws {
        let services: [ServiceGroupConfiguration.ServiceConfiguration] =
            [.init(service: SecondSignalExit(logger: logger))]
            + observability.map { .init(service: $0) }
            + [.init(service: main, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)]
        var groupLogger = logger
        groupLogger.logLevel = max(logger.logLevel, .notice)
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: groupLogger)
        configuration.maximumGracefulShutdownDuration = shutdownGrace
        try await ServiceGroup(configuration: configuration).run()
    }
}
