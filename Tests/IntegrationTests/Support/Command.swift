import Foundation
import TestSupport

struct CommandResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

struct CommandError: Error, CustomStringConvertible {
    var description: String
}

/// Runs a program to completion, capturing its output, with a timeout.
enum Command {
    /// Waits on a thread of its own, never on Swift's cooperative pool: tests run in parallel in one
    /// process, and a blocked pool thread would stall every other test's tasks.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                    timeout: Duration = .seconds(120)) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try runBlocking(executable, arguments, environment: environment, timeout: timeout)
                })
            }
        }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String],
                                    timeout: Duration) throws -> CommandResult {
        let process = try start(executable, arguments, environment: environment)
        let stdout = process.standardOutputData()
        let stderr = process.standardErrorData()
        guard process.waitForExit(timeout: timeout) else {
            process.process.terminate()
            throw CommandError(description: "\(executable) \(arguments) did not exit within \(timeout)")
        }
        return CommandResult(status: process.process.terminationStatus,
                             stdout: String(decoding: stdout.wait(), as: UTF8.self),
                             stderr: String(decoding: stderr.wait(), as: UTF8.self))
    }

    /// Starts a program in the background.
    static func start(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> RunningProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        return RunningProcess(process: process, out: out, err: err, exited: exited)
    }
}

/// A started process and its output pipes, drained from the start on background threads, so a
/// chatty process never blocks on a full pipe whether or not the test reads its output.
final class RunningProcess: @unchecked Sendable {
    let process: Process
    private let outReader: PipeReader
    private let errReader: PipeReader
    /// Signalled once, by the process's termination handler.
    private let exited: DispatchSemaphore

    init(process: Process, out: Pipe, err: Pipe, exited: DispatchSemaphore) {
        self.process = process
        outReader = PipeReader(out)
        errReader = PipeReader(err)
        self.exited = exited
    }

    /// Blocks (on the caller's thread, never the cooperative pool's) until the process exits or
    /// `timeout` passes; returns whether it exited.
    func waitForExit(timeout: Duration) -> Bool {
        let milliseconds = Int(timeout.components.seconds * 1000) + Int(timeout.components.attoseconds / 1_000_000_000_000_000)
        guard exited.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return false }
        exited.signal()  // later waits return at once too
        return true
    }

    func standardOutputData() -> PipeReader { outReader }

    func standardErrorData() -> PipeReader { errReader }

    /// Sends `signal` and waits (up to `timeout`) for the process to exit; returns its status
    /// (-1 if it did not exit) and how long it took. The wait blocks a thread of its own, never
    /// one of Swift's cooperative pool, which the tests running beside this one need.
    func stop(signal: Int32, timeout: Duration = .seconds(40)) async -> (status: Int32, elapsed: Duration) {
        let started = ContinuousClock.now
        kill(process.processIdentifier, signal)
        let exited = await exit(within: timeout)
        return (exited ? process.terminationStatus : -1, ContinuousClock.now - started)
    }

    /// Runs `body`; if it throws while the process still runs, kills the process (and awaits its
    /// exit) before rethrowing, so a failed test leaves nothing behind.
    func stoppedAfterwards<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            if process.isRunning { _ = await stop(signal: SIGKILL, timeout: .seconds(10)) }
            throw error
        }
    }

    /// Waits (up to `timeout`) for the process to exit, on a thread of its own; returns whether it did.
    func exit(within timeout: Duration) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(returning: waitForExit(timeout: timeout)) }
        }
    }
}

/// Reads a pipe to its end on a background thread.
final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        done.signal()
        return data
    }
}

extension Command {
    /// Starts `Tests/IntegrationTests/Support/<script>` with python3 and waits (up to 10 s) until
    /// `ready` answers true, for the local helper servers (fault proxy, credential endpoints).
    static func startHelper(_ script: String, _ arguments: [String], ready: () async -> Bool) async throws -> RunningProcess {
        let path = Stack.root.appendingPathComponent("Tests/IntegrationTests/Support/\(script)").path
        let process = try start("/usr/bin/env", ["python3", path] + arguments, environment: ProcessInfo.processInfo.environment)
        do {
            try await waitUntil("\(script) \(arguments) to answer", timeout: .seconds(30), every: .milliseconds(100)) { await ready() }
        } catch {
            process.process.terminate()
            throw error
        }
        return process
    }

    /// Runs a program with posix_spawn and waitpid, inheriting our stdio: for scripts that start
    /// daemons (PostgreSQL), which would keep Foundation's pipes (and its exit detection) open.
    static func spawnAndWait(_ path: String, _ arguments: [String]) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var pid: pid_t = 0
                let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
                defer { argv.forEach { free($0) } }
                guard posix_spawn(&pid, path, nil, nil, argv, environ) == 0 else {
                    continuation.resume(returning: -1)
                    return
                }
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                continuation.resume(returning: (status >> 8) & 0xff)
            }
        }
    }
}
