import CurlHTTP
import Foundation
import Testing
import TestSupport

/// A neighbour on the network: a flood of half-open connections to the metrics port, and a
/// middlebox that invents a new error code for every answer. Neither may stop the worker, nor
/// grow its metrics without bound.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct HostileNeighbourTests {
    func get(_ url: String, timeout: Duration = .seconds(3)) async throws -> HTTPResponse {
        try await Stack.http.execute(HTTPRequest(method: "GET", url: url, timeout: timeout))
    }

    /// A worker under a 1024 soft and hard descriptor limit, and more than 1,000 connections to its
    /// metrics port, each holding half a request header: uploads are still migrated, and
    /// /healthz still answers within a second.
    @Test func aConnectionFloodStarvesNothing() async throws {
        let fixture = try await Fixture.make("flood", queue: true, visibilityTimeout: 30)
        let port = freeLoopbackPort()
        var environment = fixture.environment
        environment["METRICS_PORT"] = String(port)
        environment["LOG_LEVEL"] = "info"
        let worker = try Command.start("/usr/bin/prlimit", ["--nofile=1024:1024", Stack.binary, "worker", "--wait-seconds", "1"],
                                       environment: environment)
        let errors = worker.standardErrorData()
        try await worker.stoppedAfterwards {
            try await waitUntil("/readyz to answer 200", timeout: .seconds(30), every: .milliseconds(100)) {
                (try? await get("http://127.0.0.1:\(port)/readyz"))?.status == 200
            }
            let ready = FileManager.default.temporaryDirectory.appendingPathComponent("flood-\(UUID().uuidString)").path
            let flood = try await Command.startHelper("connection_flood.py", [String(port), "1100", ready]) {
                FileManager.default.fileExists(atPath: ready)
            }
            defer { flood.process.terminate() }
            let opened = try String(contentsOfFile: ready, encoding: .utf8)
            let count = Int(opened.split(separator: " ").dropFirst().first ?? "") ?? 0
            #expect(count >= 1100, "the flood opened every connection: \(opened)")
            print("connection flood: \(opened.trimmingCharacters(in: .whitespacesAndNewlines))")

            // /healthz answers within a second (best of three, for a loaded machine's sake).
            var answered: [Duration] = []
            for _ in 0..<3 {
                let started = ContinuousClock.now
                if let response = try? await get("http://127.0.0.1:\(port)/healthz", timeout: .seconds(1)), response.status == 200 {
                    answered.append(ContinuousClock.now - started)
                }
            }
            #expect(!answered.isEmpty, "/healthz did not answer within 1 s while flooded (\(opened))")

            // New uploads are migrated meanwhile.
            let keys = (1...5).map { "image/flood-\($0).png" }
            try await fixture.insertRows(keys)
            try await fixture.putAvatars(keys)
            try await waitUntil("the uploads to be migrated while the port is flooded (\(opened))", timeout: .seconds(60)) {
                try await fixture.paths().allSatisfy { $0.hasPrefix("avatar/") }
            }
            let (status, _) = await worker.stop(signal: SIGTERM)
            #expect(status == 0)
        }
        let log = String(decoding: errors.wait(), as: UTF8.self)
        #expect(!log.contains("Couldn't connect"), "\(log.suffix(2000))")
        #expect(log.contains("open-file limit"), "the limit in effect is logged")
    }

    /// A middlebox answers every CopyObject with a 403 whose code is new each time (some with a
    /// quote and a newline): the failures' reason labels stay within the known codes plus `other`.
    @Test func inventedErrorCodesDoNotGrowTheLabelSet() async throws {
        let fixture = try await Fixture.make("codes", queue: true, visibilityTimeout: 1, maxReceiveCount: 1000)
        let proxy = try await FaultProxy(upstream: Stack.moto, cycle: ["hostilecode"])
        defer { proxy.stop() }
        let keys = (1...200).map { "image/codes-\($0).png" }
        try await fixture.insertRows(keys)
        try await fixture.putAvatars(keys)
        let port = freeLoopbackPort()
        var environment = fixture.environment
        environment["METRICS_PORT"] = String(port)
        environment["AWS_ENDPOINT_URL_S3"] = proxy.url
        environment["AWS_ENDPOINT_URL_SQS"] = Stack.moto
        let worker = try Command.start(Stack.binary, ["worker", "--wait-seconds", "1", "--concurrency", "32"], environment: environment)
        try await worker.stoppedAfterwards {
            try await waitFor("200 invented codes answered", timeout: .seconds(120), every: .milliseconds(250),
                              observing: { (try? await proxy.counts())?["hostilecode"] ?? 0 }, until: { $0 >= 200 })
            let text = try await get("http://127.0.0.1:\(port)/metrics").bodyText
            let reasons = Set(Self.labels(of: "s3mover_objects_failed_total", "reason", in: text))
            #expect(!reasons.isEmpty, "\(text)")
            #expect(reasons.isSubset(of: ["InvalidErrorCode", "other"]), "\(reasons)")
            let causes = Set(Self.labels(of: "s3mover_retries_total", "cause", in: text))
            #expect(causes.count <= 4, "\(causes)")
            let (status, _) = await worker.stop(signal: SIGTERM)
            #expect(status == 0)
        }
    }

    /// The values of `label` on every sample of `metric` in an exposition text.
    static func labels(of metric: String, _ label: String, in text: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix(metric + "{") }.compactMap { line in
            guard let start = line.range(of: "\(label)=\"") else { return nil }
            return line[start.upperBound...].split(separator: "\"", maxSplits: 1).first.map(String.init)
        }
    }
}
