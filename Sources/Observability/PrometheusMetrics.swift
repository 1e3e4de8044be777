import CoreMetrics
public import Prometheus

/// The Prometheus backend for swift-metrics, with buckets that suit s3-mover's histograms.
public enum PrometheusMetrics {
    /// Buckets for `s3mover_event_age_seconds`: from sub-second (live events) to an hour (a backlog).
    static let eventAgeBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
    ]

    /// A factory over `registry`. `eventAgeMetric` is the event-age histogram's name; `help`
    /// has each metric's HELP text.
    public static func factory(registry: PrometheusCollectorRegistry, eventAgeMetric: String,
                               help: [String: String] = [:]) -> DocumentedMetricsFactory {
        DocumentedMetricsFactory(registry: registry, help: help, durationBuckets: [eventAgeMetric: eventAgeBuckets])
    }

    /// Installs the Prometheus backend for the whole process. Call once, from `main`, before any metric is made.
    public static func bootstrap(eventAgeMetric: String, help: [String: String]) -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(factory(registry: registry, eventAgeMetric: eventAgeMetric, help: help))
        return registry
    }
}
