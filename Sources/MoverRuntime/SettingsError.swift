/// A missing or invalid setting: names the environment variable and the flag, never a secret value.
public struct SettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    public var variable: String
    public var flag: String?
    public var problem: String

    public init(variable: String, flag: String?, problem: String) {
        self.variable = variable
        self.flag = flag
        self.problem = problem
    }

    public var description: String {
        let hint = flag.map { " (set \(variable) or pass \($0))" } ?? " (set \(variable))"
        return "\(variable) \(problem)\(hint)"
    }
}
