internal import CCurl

/// Owns one `CURL*` easy handle and frees it exactly once in `deinit`.
///
/// `@unchecked Sendable`: a handle is used by one party at a time: the request that configures it
/// (on the caller's thread), then the engine thread while it is in the multi handle, then it is
/// back in ``CurlHandlePool`` (a `Mutex`) with nobody touching it.
final class CurlEasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
    }

    /// Clears every option, keeping the handle's buffers and caches for the next request.
    func reset() {
        curl_easy_reset(raw)
    }

    deinit {
        curl_easy_cleanup(raw)
    }
}
