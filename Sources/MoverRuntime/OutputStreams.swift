/// Unbuffered writes to standard error, for progress lines and one-line errors.
public enum StandardError {
    /// Writes `text` to file descriptor 2.
    public static func write(_ text: String) {
        // Nothing is left to tell of a failed write to stderr itself.
        _ = SystemWrite.all(2, Array(text.utf8))
    }
}

/// Formats numbers without Foundation's `String(format:)`.
public enum NumberFormat {
    /// `value` rounded to `decimals` places: `fixed(3.14159, 2)` is `3.14`.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        let fraction = Int64(scaled) - whole * Int64(scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole)" }
        let digits = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: decimals - digits.count))\(digits)"
    }
}
