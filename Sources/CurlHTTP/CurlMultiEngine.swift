internal import CCurl
internal import CS3MoverShims
import Dispatch
import Synchronization

/// Drives every transfer on one `CURLM*` handle from one dedicated thread.
///
/// `@unchecked Sendable`: the multi handle and `active` are touched only by the engine
/// thread (and by `deinit`, after that thread has exited). Other threads talk to the engine
/// only through `inbox`, a `Mutex`, and `curl_multi_wakeup`, which libcurl documents as
/// callable from any thread.
final class CurlMultiEngine: @unchecked Sendable {
    private struct Inbox {
        var submitted: [CurlTransfer] = []
        var cancelled: [CurlTransfer] = []
        var shuttingDown = false
        var stopped = false
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private let exited = DispatchSemaphore(value: 0)
    /// Easy handles kept for reuse.
    let pool: CurlHandlePool

    init(maxConnections: Int) {
        CurlGlobal.ensureInitialised()
        pool = CurlHandlePool(capacity: maxConnections)
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed") }
        self.multi = multi
        // The default cache (4 × transfers) is too small under bursts and forces reconnects.
        _ = s3m_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxConnections)
        // A serial queue of its own: libdispatch gives it a dedicated (overcommit) thread, never one
        // of Swift's cooperative pool, so the blocking curl_multi_poll loop starves nothing.
        DispatchQueue(label: "s3-mover.curl").async { [self] in run() }
    }

    deinit {
        curl_multi_cleanup(multi)
    }

    /// Hands a configured transfer to the engine thread.
    func submit(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox in
            guard !inbox.shuttingDown else { return false }
            inbox.submitted.append(transfer)
            return true
        }
        if accepted {
            curl_multi_wakeup(multi)
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
        if running { curl_multi_wakeup(multi) }
    }

    /// Fails every transfer still in flight and stops the thread. Waits for it to exit.
    func shutdown() {
        let first = inbox.withLock { inbox in
            defer { inbox.shuttingDown = true }
            return !inbox.shuttingDown
        }
        guard first else { return }
        curl_multi_wakeup(multi)
        exited.wait()
    }

    // MARK: The engine thread

    private func run() {
        var running: Int32 = 0
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

            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                      let transfer = active[easy] else { continue }
                // Read the response off the handle before it goes back to the pool.
                let outcome = transfer.finish(result: message.pointee.data.result)
                remove(transfer)
                complete(transfer, with: outcome)
            }
            var ready: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
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
