import ArgumentParser

/// `--json`, for the commands that end with a run's summary (backfill, rollback, finalize).
struct SummaryOptions: ParsableArguments {
    @Flag(help: ArgumentHelp("Print the summary as one JSON object instead of lines.",
                             discussion: "Every count, the skips by reason, the failures by code and \"succeeded\"; the same object as --report's summary line. Lines about single objects go to stderr. The exit code is the same."))
    var json = false
}
