import CurlHTTP
import Logging
import Metrics
import Observability
import Prometheus
import Synchronization
import Testing

/// The HTTP side of the observability server, on loopback with a private registry.
@Suite(.timeLimit(.minutes(2))) struct ObservabilityServerTests {
    let http = HTTPClient()

    @Test func servesMetricsAndProbes() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetrics.factory(registry: registry, eventAgeMetric: "test_event_age_seconds")
        let counter = Counter(label: "test_things_total", dimensions: [("kind", "a")], factory: factory)
        counter.increment(by: 3)
        let alive = Atomic<Bool>(true)
        let ready = Atomic<Bool>(false)
        let server = try await ObservabilityServer.start(
            host: "127.0.0.1", port: 0, registry: registry,
            checks: HealthChecks(
                liveness: { HealthStatus(healthy: alive.load(ordering: .relaxed), detail: "loop") },
                readiness: { HealthStatus(healthy: ready.load(ordering: .relaxed), detail: "deps") }),
            logger: Logger(label: "test"))
        let base = "http://127.0.0.1:\(server.port)"
        func get(_ path: String, method: String = "GET") async throws -> HTTPResponse {
            try await http.execute(HTTPRequest(method: method, url: base + path, timeout: .seconds(3)))
        }

        let metrics = try await get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(metrics.bodyText.contains(#"test_things_total{kind="a"} 3"#), "\(metrics.bodyText)")

        #expect(try await get("/healthz").status == 200)
        alive.store(false, ordering: .relaxed)
        let dead = try await get("/healthz")
        #expect(dead.status == 503 && dead.bodyText == "unavailable: loop\n")

        #expect(try await get("/readyz").status == 503)
        ready.store(true, ordering: .relaxed)
        #expect(try await get("/readyz").bodyText == "ok: deps\n")

        #expect(try await get("/nope").status == 404)
        #expect(try await get("/metrics", method: "POST").status == 405)
        let head = try await get("/metrics", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty)
        await server.shutdown()
        http.shutdown()
    }

    @Test func aTakenPortIsAClearError() async throws {
        let registry = PrometheusCollectorRegistry()
        let checks = HealthChecks(liveness: { HealthStatus(healthy: true, detail: "") }, readiness: { HealthStatus(healthy: true, detail: "") })
        let first = try await ObservabilityServer.start(host: "127.0.0.1", port: 0, registry: registry, checks: checks, logger: Logger(label: "t"))
        await #expect {
            _ = try await ObservabilityServer.start(host: "127.0.0.1", port: first.port, registry: registry, checks: checks, logger: Logger(label: "t"))
        } throws: { error in
            "\(error)".contains("METRICS_PORT") && "\(error)".contains("\(first.port)")
        }
        await first.shutdown()
    }
}
