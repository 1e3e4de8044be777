import ArgumentParser
internal import CS3MoverShims

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
        await S3MoverCommand.main(arguments)
    }
}
