import ArgumentParser

/// The process entry point.
@main
enum Entry {
    static func main() async {
        // `s3-mover --backfill` is the same run as `s3-mover backfill`, so container entrypoints stay short.
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--backfill" { arguments[0] = "backfill" }
        LogSetup.bootstrap()
        await S3MoverCommand.main(arguments)
    }
}
