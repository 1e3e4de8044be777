import ArgumentParser
import MoverRuntime
internal import CS3MoverShims
import FoundationEssentials

/// The process entry point.
@main
enum Entry {
    static func main() async {
        // `s3-mover --backfill` is the same run as `s3-mover backfill`, so container entrypoints stay short.
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--backfill" { arguments[0] = "backfill" }
        // Two malloc arenas instead of eight per core: the threads here (curl, libpq, the
        // cooperative pool) would otherwise each keep freed memory in an arena of their own.
        _ = s3m_limit_malloc_arenas(2)
        LogSetup.bootstrap()
        do {
            var command = try S3MoverCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch where S3MoverCommand.exitCode(for: error) == .validationFailure {
            // A bad flag value is a bad setting: one message and exit 2, like a bad variable.
            StandardError.write(S3MoverCommand.fullMessage(for: error) + "\n")
            S3MoverCommand.exit(withError: ExitCode(2))
        } catch {
            S3MoverCommand.exit(withError: error)
        }
    }
}
