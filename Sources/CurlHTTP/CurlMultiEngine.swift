internal import CCurl
internal import CS3MoverShims
import Dispatch
import Glibc
import Synchronization

/// Drives every transfer on one `CURLM*` handle from one dedicated thread, with libcurl's
/// event-driven interface: libcurl tells the engine which sockets to watch and when its next
/// timeout is due (socket and timer callbacks); the engine waits in `epoll_wait` and hands each
/// ready socket to `curl_multi_socket_action`. A wake-up costs O(ready sockets), not O(all
/// connections) as with `curl_multi_poll` + `curl_multi_perform`.
///
/// `@unchecked Sendable`: the multi handle, `active`, `watched` and `timerDeadline` are touched
/// only by the engine thread — libcurl calls the callbacks from inside `curl_multi_*` calls made
/// on that thread — and by `deinit`, after that thread has exited. Other threads talk to the
/// engine only through `inbox`, a `Mutex`, and a write to the `eventfd` the thread also waits on.
final class CurlMultiEngine: @unchecked Sendable {
    private struct Inbox {
        var submitted: [CurlTransfer] = []
        var cancelled: [CurlTransfer] = []
        var shuttingDown = false
        var stopped = false
    }

    private let multi: UnsafeMutableRawPointer
    private let epoll: Int32
    private let wakeFD: Int32
    private let inbox = Mutex(Inbox())
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// Sockets registered with epoll.
    private var watched: Set<Int32> = []
    /// When libcurl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)`; nil for never.
    private var timerDeadline: ContinuousClock.Instant?
    private let exited = DispatchSemaphore(value: 0)
    /// Easy handles kept for reuse.
    let pool: CurlHandlePool

    init(maxConnections: Int) {
        CurlGlobal.ensureInitialised()
        pool = CurlHandlePool(capacity: maxConnections)
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed") }
        self.multi = multi
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard epoll >= 0, wakeFD >= 0 else { fatalError("epoll_create1/eventfd failed: errno \(errno)") }
        var wake = epoll_event()
        wake.events = EPOLLIN.rawValue
        wake.data.fd = wakeFD
        _ = epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFD, &wake)
        // The default cache (4 × transfers) is too small under bursts and forces reconnects.
        _ = s3m_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxConnections)
        // Unretained: the callbacks run only inside curl_multi_* calls made while the engine lives.
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = s3m_curl_multi_setopt_socket_callback(multi, curlSocketCallback)
        _ = s3m_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        _ = s3m_curl_multi_setopt_timer_callback(multi, curlTimerCallback)
        _ = s3m_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
        // A serial queue of its own: libdispatch gives it a dedicated (overcommit) thread, never one
        // of Swift's cooperative pool, so the blocking epoll_wait loop starves nothing.
        DispatchQueue(label: "s3-mover.curl").async { [self] in run() }
    }

    deinit {
        curl_multi_cleanup(multi)
        close(epoll)
        close(wakeFD)
    }

    /// Wakes the engine thread (from any thread).
    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    /// Hands a configured transfer to the engine thread.
    func submit(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox in
            guard !inbox.shuttingDown else { return false }
            inbox.submitted.append(transfer)
            return true
        }
        if accepted {
            wake()
        } else {
            transfer.continuation?.resume(throwing: HTTPClientError(
                code: .engineShutDown, message: "the HTTP engine is shut down", request: transfer.requestDescription))
            transfer.continuation = nil
        }
    }

    /// Asks the engine thread to abandon a transfer; its caller then sees `CancellationError`.
    func cancel(_ transfer: CurlTransfer) {
        guard transfer.markCancelled() else { return }
        let running = inbox.withLock { inbox in
            guard !inbox.stopped else { return false }
            inbox.cancelled.append(transfer)
            return true
        }
        if running { wake() }
    }

    /// Fails every transfer still in flight and stops the thread. Waits for it to exit.
    func shutdown() {
        let first = inbox.withLock { inbox in
            defer { inbox.shuttingDown = true }
            return !inbox.shuttingDown
        }
        guard first else { return }
        wake()
        exited.wait()
    }

    // MARK: The engine thread

    private func run() {
        var running: Int32 = 0
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while true {
            let (submitted, cancelled, stop) = inbox.withLock { inbox in
                defer { inbox.submitted = []; inbox.cancelled = [] }
                if inbox.shuttingDown { inbox.stopped = true }
                return (inbox.submitted, inbox.cancelled, inbox.shuttingDown)
            }
            for transfer in submitted {
                if transfer.isCancelled || stop {
                    complete(transfer, with: .failure(stop ? shutDownError(transfer) : CancellationError()))
                    continue
                }
                let code = curl_multi_add_handle(multi, transfer.handle)
                if code == CURLM_OK {
                    active[transfer.handle] = transfer
                } else {
                    complete(transfer, with: .failure(HTTPClientError(
                        code: .other, curlCode: Int(code.rawValue),
                        message: String(cString: curl_multi_strerror(code)), request: transfer.requestDescription)))
                }
            }
            for transfer in cancelled where active[transfer.handle] === transfer {
                remove(transfer)
                complete(transfer, with: .failure(CancellationError()))
            }
            if stop {
                for transfer in Array(active.values) {
                    remove(transfer)
                    complete(transfer, with: .failure(shutDownError(transfer)))
                }
                exited.signal()
                return
            }

            let count = epoll_wait(epoll, &events, Int32(events.count), waitMilliseconds())
            for index in 0..<Int(max(count, 0)) {
                let event = events[index]
                if event.data.fd == wakeFD {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                    continue
                }
                var flags: Int32 = 0
                if event.events & EPOLLIN.rawValue != 0 { flags |= CURL_CSELECT_IN }
                if event.events & EPOLLOUT.rawValue != 0 { flags |= CURL_CSELECT_OUT }
                if event.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { flags |= CURL_CSELECT_ERR }
                curl_multi_socket_action(multi, event.data.fd, flags, &running)
            }
            if let deadline = timerDeadline, deadline <= .now {
                timerDeadline = nil
                curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running)
            }
            collectFinished()
        }
    }

    /// Completes the transfers libcurl reports done.
    private func collectFinished() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let transfer = active[easy] else { continue }
            // Read the response off the handle before it goes back to the pool.
            let outcome = transfer.finish(result: message.pointee.data.result)
            remove(transfer)
            complete(transfer, with: outcome)
        }
    }

    /// How long epoll_wait may block: until libcurl's timer is due, at most a second.
    private func waitMilliseconds() -> Int32 {
        guard let deadline = timerDeadline else { return 1000 }
        let remaining = deadline - .now
        if remaining <= .zero { return 0 }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(min(milliseconds, 1000))
    }

    /// CURLMOPT_SOCKETFUNCTION: start, change or stop watching `socket`.
    fileprivate func watch(_ socket: Int32, what: Int32) {
        if what == CURL_POLL_REMOVE {
            if watched.remove(socket) != nil { _ = epoll_ctl(epoll, EPOLL_CTL_DEL, socket, nil) }
            return
        }
        var event = epoll_event()
        event.events = (what & CURL_POLL_IN != 0 ? EPOLLIN.rawValue : 0) | (what & CURL_POLL_OUT != 0 ? EPOLLOUT.rawValue : 0)
        event.data.fd = socket
        if watched.insert(socket).inserted {
            if epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) != 0, errno == EEXIST {
                _ = epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event)
            }
        } else {
            _ = epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event)
        }
    }

    /// CURLMOPT_TIMERFUNCTION: libcurl's next timeout, or -1 for none.
    fileprivate func setTimer(milliseconds: Int) {
        timerDeadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
    }

    private func remove(_ transfer: CurlTransfer) {
        curl_multi_remove_handle(multi, transfer.handle)
        active[transfer.handle] = nil
        pool.checkIn(transfer.easy)
    }

    private func complete(_ transfer: CurlTransfer, with result: Result<HTTPResponse, any Error>) {
        transfer.continuation?.resume(with: result)
        transfer.continuation = nil
    }

    private func shutDownError(_ transfer: CurlTransfer) -> HTTPClientError {
        HTTPClientError(code: .engineShutDown, message: "the HTTP engine is shut down", request: transfer.requestDescription)
    }
}

/// libcurl's socket callback: forwards to the engine named by `userp`.
private func curlSocketCallback(
    easy: UnsafeMutableRawPointer?, socket: curl_socket_t, what: Int32, userp: UnsafeMutableRawPointer?, socketp: UnsafeMutableRawPointer?
) -> Int32 {
    guard let userp else { return -1 }
    Unmanaged<CurlMultiEngine>.fromOpaque(userp).takeUnretainedValue().watch(socket, what: what)
    return 0
}

/// libcurl's timer callback: forwards to the engine named by `userp`.
private func curlTimerCallback(multi: UnsafeMutableRawPointer?, timeout: Int, userp: UnsafeMutableRawPointer?) -> Int32 {
    guard let userp else { return -1 }
    Unmanaged<CurlMultiEngine>.fromOpaque(userp).takeUnretainedValue().setTimer(milliseconds: timeout)
    return 0
}
