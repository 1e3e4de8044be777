public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import Prometheus

/// A small HTTP server for Prometheus and Kubernetes: `GET /metrics`, `/healthz` and `/readyz`.
///
/// It runs on its own one-thread SwiftNIO event loop, apart from the copy engine's curl thread
/// and the cooperative pool, so that a scrape or a probe is answered even when the work is saturated.
///
/// Whatever reaches the port is bounded by ``ConnectionLimits``: a request head must arrive
/// within the header timeout, a kept-alive connection is closed after the idle timeout, and
/// connections past the cap are closed as soon as they are accepted, so a neighbour cannot
/// hold the process's file descriptors.
public final class ObservabilityServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let logger: Logger

    /// The port actually bound (useful with port 0).
    public let port: Int

    /// Binds `host:port` and starts serving. Throws when the port cannot be bound.
    public static func start(
        host: String = "0.0.0.0", port: Int, registry: PrometheusCollectorRegistry, checks: HealthChecks,
        limits: ConnectionLimits = ConnectionLimits(), logger: Logger
    ) async throws -> ObservabilityServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let connections = ConnectionCount(maximum: limits.maxConnections)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    // Past the cap: closed at once (a failed initializer closes the channel).
                    guard connections.admit() else { return channel.eventLoop.makeFailedFuture(ConnectionCapReached()) }
                    channel.closeFuture.whenComplete { _ in connections.release() }
                    // Runs on the channel's event loop, so the handlers never cross threads.
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(RequestHeadDeadline(limits: limits))
                        try channel.pipeline.syncOperations.addHandler(ObservabilityHandler(registry: registry, checks: checks))
                    }
                }
                .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port)
                .get()
            let bound = channel.localAddress?.port ?? port
            logger.info("serving /metrics, /healthz and /readyz", metadata: [
                "address": "\(host):\(bound)", "header_timeout": "\(limits.headerTimeout)", "idle_timeout": "\(limits.idleTimeout)",
                "max_connections": "\(limits.maxConnections)",
            ])
            return ObservabilityServer(group: group, channel: channel, port: bound, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw ObservabilityError(port: port, message: "\(error)")
        }
    }

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, port: Int, logger: Logger) {
        self.group = group
        self.channel = channel
        self.port = port
        self.logger = logger
    }

    /// Stops accepting and closes the event loop.
    public func shutdown() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// The metrics port could not be bound.
public struct ObservabilityError: Error, Sendable, CustomStringConvertible {
    public var port: Int
    public var message: String
    public var description: String { "cannot serve metrics on port \(port) (METRICS_PORT): \(message)" }
}

/// Routes one HTTP/1.1 request at a time per connection (the pipeline serialises them).
final class ObservabilityHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private let checks: HealthChecks
    private var head: HTTPRequestHead?

    init(registry: PrometheusCollectorRegistry, checks: HealthChecks) {
        self.registry = registry
        self.checks = checks
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            route(head, context: context)
        }
    }

    private func route(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard head.method == .GET || head.method == .HEAD else {
            return respond(context, head, status: .methodNotAllowed, body: "only GET\n", extra: [("Allow", "GET, HEAD")])
        }
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        switch path {
        case "/metrics":
            respond(context, head, status: .ok, bytes: registry.emitToBuffer(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        case "/healthz", "/livez":
            let status = checks.liveness()
            respond(context, head, status: status.healthy ? .ok : .serviceUnavailable, body: Self.text(status))
        case "/readyz":
            // Both checks answer from state kept up to date elsewhere, so a probe never waits on
            // Swift's cooperative pool or on a dependency.
            let status = checks.readiness()
            respond(context, head, status: status.healthy ? .ok : .serviceUnavailable, body: Self.text(status))
        default:
            respond(context, head, status: .notFound, body: "not found; try /metrics, /healthz or /readyz\n")
        }
    }

    private static func text(_ status: HealthStatus) -> String {
        (status.healthy ? "ok: " : "unavailable: ") + status.detail + "\n"
    }

    private func respond(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, status: HTTPResponseStatus, body: String,
                         extra: [(String, String)] = []) {
        respond(context, request, status: status, bytes: Array(body.utf8), contentType: "text/plain; charset=utf-8", extra: extra)
    }

    private func respond(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, status: HTTPResponseStatus, bytes: [UInt8],
                         contentType: String, extra: [(String, String)] = []) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(bytes.count))] + extra)
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        }
        let keepAlive = request.isKeepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
