import Glibc

/// Whether a person is watching: stderr is a terminal.
enum Terminal {
    static var isInteractive: Bool { isatty(STDERR_FILENO) == 1 }
}
