import ArgumentParser
import AWS
import FoundationEssentials
import MoverRuntime

/// Prints one `error:` line to stderr and exits with the code that fits the failure.
enum Failure {
    static func exit(_ error: any Error) -> ExitCode {
        let isConfiguration = error is SettingsError || (error as? CredentialError)?.isConfigurationError == true
        let code: Int32 = isConfiguration ? 2 : 3
        StandardError.write("error: \(error)\n")
        return ExitCode(code)
    }

    /// The synchronous twin of ``guarding(_:)``.
    static func guardingSync<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw exit(error)
        }
    }

    /// Runs `body`, turning settings and start-up errors into a one-line message and exit code.
    static func guarding<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            throw exit(error)
        }
    }
}
