import NIOCore
import NIOHTTP1
import Synchronization

/// What one neighbour on the network may cost the observability server, as Go's
/// `http.Server.ReadHeaderTimeout` / `IdleTimeout` and nginx's connection limits bound it.
public struct ConnectionLimits: Sendable {
    /// How long a new connection has to deliver a complete request head.
    public var headerTimeout: Duration
    /// How long a kept-alive connection may stay silent between requests.
    public var idleTimeout: Duration
    /// Connections open at once; past it, new ones are closed at once, not queued. Prometheus and
    /// the kubelet need one or two each.
    public var maxConnections: Int

    /// 5 s for a request head, 60 s idle, 32 connections.
    public init(headerTimeout: Duration = .seconds(5), idleTimeout: Duration = .seconds(60), maxConnections: Int = 32) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = max(1, maxConnections)
    }
}

/// Counts the server's open connections against ``ConnectionLimits/maxConnections``.
final class ConnectionCount: Sendable {
    private let open = Mutex(0)
    let maximum: Int

    init(maximum: Int) { self.maximum = maximum }

    /// Takes a place, or returns false when every place is taken.
    func admit() -> Bool {
        open.withLock { open in
            guard open < maximum else { return false }
            open += 1
            return true
        }
    }

    func release() { open.withLock { $0 -= 1 } }

    var current: Int { open.withLock { $0 } }
}

/// The connection cap refused a connection (it is closed at once).
struct ConnectionCapReached: Error {}

/// Closes a connection whose request head is not complete within the header timeout of its
/// opening, or whose next request does not begin within the idle timeout of its last answer.
///
/// Sits after the HTTP decoder: a `.head` part means the head is complete. Runs on the
/// channel's event loop only.
final class RequestHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let limits: ConnectionLimits
    private var deadline: Scheduled<Void>?

    init(limits: ConnectionLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, after: limits.headerTimeout) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, after: limits.headerTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            deadline = nil
            context.fireChannelRead(data)
        case .body:
            context.fireChannelRead(data)
        case .end:
            context.fireChannelRead(data)
            // Answered (the handler behind answers synchronously): the next request has the idle timeout to begin.
            arm(context, after: limits.idleTimeout)
        }
    }

    private func arm(_ context: ChannelHandlerContext, after timeout: Duration) {
        deadline?.cancel()
        let channel = context.channel
        let (seconds, attoseconds) = timeout.components
        let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        deadline = context.eventLoop.scheduleTask(in: amount) { channel.close(promise: nil) }
    }
}
