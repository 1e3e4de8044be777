internal import CCurl

/// Runs `curl_global_init` exactly once, before any thread uses libcurl.
enum CurlGlobal {
    private static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    static func ensureInitialised() {
        precondition(initialised, "curl_global_init failed")
    }
}
