internal import CCurl
internal import CS3MoverShims
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One request in flight: owns a `CURL*` easy handle, its header list and its body copy,
/// and frees each exactly once in `deinit`.
///
/// `@unchecked Sendable`: after `init` configures the handle on the caller's thread, the
/// handle, buffers and continuation are touched only by the engine thread. The only state
/// shared across threads is `cancelled`, which is a `Mutex`.
final class CurlTransfer: @unchecked Sendable {
    let easy: CurlEasyHandle
    var handle: UnsafeMutableRawPointer { easy.raw }
    let requestDescription: String
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let bodyStorage: UnsafeMutableRawBufferPointer
    private let isHead: Bool
    private let maxResponseBytes: Int
    /// Set by the engine thread when the response outgrew its cap (the write callback then stops the transfer).
    private var overflowed = false
    /// Header lines beyond this are refused too: no answer s3-mover reads has this many.
    private static let maxHeaderBytes = 1024 * 1024

    var responseBody: [UInt8] = []
    /// The final response's header lines as received (see `HTTPResponse`).
    var responseHeaderLines: [UInt8] = []
    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private let cancelled = Mutex(false)

    init(_ request: HTTPRequest, pool: CurlHandlePool) throws {
        try Self.validateHeaders(request)
        CurlGlobal.ensureInitialised()
        guard let easy = pool.checkOut() else {
            throw HTTPClientError(code: .invalidRequest, message: "curl_easy_init failed", request: request.method)
        }
        self.easy = easy
        self.requestDescription = "\(request.method) \(Self.redactQuery(request.url))"
        self.isHead = request.method == "HEAD"
        self.maxResponseBytes = request.maxResponseBytes
        self.bodyStorage = .allocate(byteCount: max(request.body.count, 1), alignment: 1)
        request.body.withUnsafeBytes { bytes in
            if !bytes.isEmpty { bodyStorage.copyMemory(from: bytes) }
        }
        try configure(request)
    }

    deinit {
        // The easy handle goes back to the pool (or is freed by its own deinit); its options still
        // point here until the next reset, but nobody uses it before that.
        if let headerList { curl_slist_free_all(headerList) }
        bodyStorage.deallocate()
    }

    /// Marks the transfer cancelled; returns false if it was already.
    func markCancelled() -> Bool {
        cancelled.withLock { flag in
            defer { flag = true }
            return !flag
        }
    }

    var isCancelled: Bool { cancelled.withLock { $0 } }

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else {
            throw HTTPClientError(
                code: .invalidRequest, curlCode: Int(code.rawValue),
                message: "\(what): \(String(cString: curl_easy_strerror(code)))", request: requestDescription)
        }
    }

    private func configure(_ request: HTTPRequest) throws {
        try check(s3m_curl_easy_setopt_string(handle, CURLOPT_URL, request.url), "URL")
        // The path goes out exactly as it was signed: `image/x/../y.png` and `image/y.png` are
        // different S3 keys, and libcurl would otherwise remove the dot segments.
        try check(s3m_curl_easy_setopt_long(handle, CURLOPT_PATH_AS_IS, 1), "PATH_AS_IS")
        try check(s3m_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        try check(s3m_curl_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1), "TCP_KEEPALIVE")
        try check(s3m_curl_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)), "HTTP_VERSION")
        try check(s3m_curl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.milliseconds), "CONNECTTIMEOUT_MS")
        try check(s3m_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeout.milliseconds), "TIMEOUT_MS")
        // Only http and https, also across redirects (we never follow redirects anyway).
        try check(s3m_curl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "PROTOCOLS_STR")

        switch request.method {
        case "GET" where request.body.isEmpty:
            try check(s3m_curl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1), "HTTPGET")
        case "HEAD":
            try check(s3m_curl_easy_setopt_long(handle, CURLOPT_NOBODY, 1), "NOBODY")
        case "DELETE" where request.body.isEmpty:
            try check(s3m_curl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "DELETE"), "CUSTOMREQUEST")
        default:
            // POST machinery carries the body (and Content-Length: 0 for an empty PUT);
            // CUSTOMREQUEST then names the real method.
            try check(s3m_curl_easy_setopt_long(handle, CURLOPT_POST, 1), "POST")
            try check(s3m_curl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)), "POSTFIELDSIZE_LARGE")
            try check(s3m_curl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, bodyStorage.baseAddress), "POSTFIELDS")
            if request.method != "POST" {
                try check(s3m_curl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method), "CUSTOMREQUEST")
            }
        }

        var list: UnsafeMutablePointer<curl_slist>?
        var sawContentType = false
        for header in request.headers {
            if header.name.lowercased() == "content-type" { sawContentType = true }
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        // libcurl would otherwise add `application/x-www-form-urlencoded` to bodies, and
        // `Expect: 100-continue` to large ones (a wasted round trip).
        if !sawContentType && request.method != "GET" && request.method != "HEAD" {
            list = curl_slist_append(list, "Content-Type:")
        }
        list = curl_slist_append(list, "Expect:")
        headerList = list
        try check(s3m_curl_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list)), "HTTPHEADER")

        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(s3m_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "WRITEDATA")
        try check(s3m_curl_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            guard transfer.responseBody.count + length <= transfer.maxResponseBytes else {
                transfer.overflowed = true
                return 0  // libcurl stops the transfer with CURLE_WRITE_ERROR
            }
            if let data, length > 0 {
                transfer.responseBody.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            }
            return length
        }, "WRITEFUNCTION")
        try check(s3m_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "HEADERDATA")
        try check(s3m_curl_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            guard transfer.responseHeaderLines.count + length <= CurlTransfer.maxHeaderBytes else {
                transfer.overflowed = true
                return 0
            }
            if let data, length > 0 {
                transfer.receivedHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
            }
            return length
        }, "HEADERFUNCTION")
    }

    /// Refuses header names and values that would change the request's framing: libcurl sends
    /// header lines verbatim, so a CR or LF in a value would add header lines of its own.
    static func validateHeaders(_ request: HTTPRequest) throws {
        for header in request.headers {
            let nameIsToken = !header.name.isEmpty && header.name.utf8.allSatisfy { byte in
                byte > 0x20 && byte < 0x7f && byte != UInt8(ascii: ":")
            }
            let valueIsSafe = !header.value.utf8.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0x00 }
            guard nameIsToken, valueIsSafe else {
                throw HTTPClientError(
                    code: .invalidRequest,
                    message: "header \(nameIsToken ? "'\(header.name)' has a value with" : "name has") CR, LF, NUL or other bytes a header cannot carry",
                    request: "\(request.method) \(redactQuery(request.url))")
            }
        }
    }

    /// Keeps one raw header line; `HTTPResponse` reads the few it needs on demand.
    private func receivedHeaderLine(_ line: UnsafeRawBufferPointer) {
        if line.starts(with: "HTTP/".utf8) {
            responseHeaderLines.removeAll(keepingCapacity: true)  // a new response (after 100 Continue, say) starts over
            return
        }
        responseHeaderLines.append(contentsOf: line)
    }

    /// Builds the response or the error once libcurl reports the transfer done.
    func finish(result: CURLcode) -> Result<HTTPResponse, any Error> {
        if overflowed {
            return .failure(HTTPClientError(
                code: .responseTooLarge, curlCode: Int(result.rawValue),
                message: "the response exceeded \(maxResponseBytes) bytes of body (or \(Self.maxHeaderBytes) of headers)",
                request: requestDescription))
        }
        guard result == CURLE_OK else {
            var osErrno = 0
            _ = s3m_curl_easy_getinfo_long(handle, CURLINFO_OS_ERRNO, &osErrno)
            if result == CURLE_COULDNT_CONNECT, osErrno == Int(EMFILE) || osErrno == Int(ENFILE) || FileDescriptorLimit.isExhausted {
                let limit = FileDescriptorLimit.current.map { "\($0.soft)" } ?? "unknown"
                return .failure(HTTPClientError(
                    code: .tooManyOpenFiles, curlCode: Int(result.rawValue),
                    message: "no socket could be opened: the process is out of file descriptors (EMFILE; RLIMIT_NOFILE soft limit \(limit))",
                    request: requestDescription))
            }
            return .failure(HTTPClientError(
                code: Self.classify(result), curlCode: Int(result.rawValue),
                message: String(cString: curl_easy_strerror(result)), request: requestDescription))
        }
        var status = 0
        _ = s3m_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headerLines: responseHeaderLines, body: isHead ? [] : responseBody))
    }

    static func classify(_ code: CURLcode) -> HTTPClientError.Code {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: .timedOut
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .couldNotConnect
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: .connectionLost
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: .invalidRequest
        default: .other
        }
    }

    /// Drops the query string from a URL for messages: presigned URLs carry signatures there.
    static func redactQuery(_ url: String) -> String {
        guard let mark = url.firstIndex(of: "?") else { return url }
        return String(url[..<mark]) + "?…"
    }
}

extension Duration {
    /// Whole milliseconds, at least 1, as the `long` libcurl expects.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
