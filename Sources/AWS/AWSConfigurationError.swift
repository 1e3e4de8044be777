/// A missing or invalid AWS setting. The message names the setting and never its secret value.
public struct AWSConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The environment variable (or flag) at fault.
    public var setting: String
    /// What is wrong with it.
    public var message: String

    public init(setting: String, message: String) {
        self.setting = setting
        self.message = message
    }

    public var description: String { "\(setting): \(message)" }
}
