public import CoreMetrics
public import Prometheus

/// A swift-metrics backend over a Prometheus registry that gives every metric its `# HELP` text.
///
/// swift-prometheus's own factory registers every metric without help, and its registry refuses
/// a second registration of a name with other help; so this factory registers each one, the
/// first time and every time, with the one text `help` has for its name. Destroying is the
/// library factory's.
public struct DocumentedMetricsFactory: CoreMetrics.MetricsFactory {
    private let registry: PrometheusCollectorRegistry
    private let library: PrometheusMetricsFactory
    private let help: [String: String]
    private let durationBuckets: [String: [Duration]]

    /// - Parameters:
    ///   - help: HELP text by metric name; a name without one gets its own name as its text.
    ///   - durationBuckets: histogram buckets by timer name (others get the library's defaults).
    public init(registry: PrometheusCollectorRegistry, help: [String: String], durationBuckets: [String: [Duration]] = [:]) {
        self.registry = registry
        self.help = help
        self.durationBuckets = durationBuckets
        library = PrometheusMetricsFactory(registry: registry)
    }

    private func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help[name] ?? name)
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: library.defaultValueHistogramBuckets)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions,
                                       buckets: durationBuckets[label] ?? library.defaultDurationHistogramBuckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) { library.destroyCounter(handler) }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { library.destroyFloatingPointCounter(handler) }
    public func destroyRecorder(_ handler: any RecorderHandler) { library.destroyRecorder(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { library.destroyMeter(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { library.destroyTimer(handler) }
}
