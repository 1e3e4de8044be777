/// The grammar of an error code read off the wire (S3's `<Code>`, SQS's `__type` or
/// `x-amzn-query-error`, STS's `<Code>`): letters, digits and dots, 1 to 64 of them.
///
/// Anything else is replaced by ``invalid`` before it reaches an error's `code`, so a code can go
/// into a log line, a ledger, a metric label or a header check without escaping, and a
/// middlebox cannot smuggle quotes, newlines or a megabyte into any of them.
public enum AWSErrorCode {
    /// What a code outside the grammar becomes.
    public static let invalid = "InvalidErrorCode"

    /// The longest code kept.
    public static let maxLength = 64

    /// `raw` when it is in the grammar, ``invalid`` otherwise.
    public static func validated(_ raw: some StringProtocol) -> String {
        let utf8 = raw.utf8
        guard (1...maxLength).contains(utf8.count), utf8.allSatisfy(isCodeByte) else { return invalid }
        return String(raw)
    }

    private static func isCodeByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."): true
        default: false
        }
    }
}
