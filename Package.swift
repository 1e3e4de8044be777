// swift-tools-version:6.1
import PackageDescription

/// Strict settings applied to every Swift target in one place.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "s3-mover",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "s3-mover", targets: ["s3-mover"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        // The process lifecycle: services, graceful shutdown, signals.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // Tests only: property-based checks of the settings parser (no dependencies of its own).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    ],
    targets: [
        // MARK: C system libraries (headers only; linked through pkg-config).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // For S3 Inventory reports (gzip-compressed CSV).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // MARK: The one C shim: typed forwarders for what Swift cannot call directly.
        .target(name: "CS3MoverShims", dependencies: ["CCurl"]),

        // MARK: Swift wrappers over C.
        .target(name: "CurlHTTP", dependencies: [
            "CCurl", "CS3MoverShims",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Gzip", dependencies: ["CZlib"]),
        .target(name: "Postgres", dependencies: [
            "CLibPQ",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "AWS", dependencies: [
            "CurlHTTP", "CCrypto", "CLibXML2", "StrictJSON", "TextSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: A strict JSON reader, shared by the AWS clients and the core.
        .target(name: "StrictJSON"),
        // MARK: Small string helpers every layer shares (one copy each).
        .target(name: "TextSupport"),

        // MARK: Pure core: no C, no network.
        .target(name: "MoverCore", dependencies: [
            "StrictJSON",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),

        // MARK: /metrics, /healthz and /readyz on a small SwiftNIO server.
        .target(name: "Observability", dependencies: [
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        // MARK: Adapters, settings and the commands' logic.
        .target(name: "MoverRuntime", dependencies: [
            "MoverCore", "AWS", "Postgres", "CurlHTTP", "StrictJSON", "Gzip", "TextSupport",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),

        // MARK: The executable: wiring only.
        .executableTarget(name: "s3-mover", dependencies: [
            "MoverRuntime", "MoverCore", "AWS", "CS3MoverShims", "Observability",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // MARK: Tests.
        // What every test target shares: the one deadline-bound wait.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MoverCoreTests", dependencies: [
            "MoverCore", "TestSupport", "StrictJSON", .product(name: "PropertyBased", package: "swift-property-based"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "StrictJSONTests", dependencies: ["StrictJSON"]),
        .testTarget(name: "ObservabilityTests", dependencies: [
            "Observability", "CurlHTTP", "TestSupport", .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "AWSTests", dependencies: ["AWS", "CurlHTTP", "StrictJSON", .product(name: "Logging", package: "swift-log")], exclude: ["golden_sigv4.py"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "GzipTests", dependencies: ["Gzip"]),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "TestSupport"]),
        .testTarget(name: "MoverRuntimeTests", dependencies: [
            "MoverRuntime", "MoverCore", "AWS", "Postgres", "CurlHTTP", "StrictJSON",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "IntegrationTests", dependencies: ["MoverRuntime", "MoverCore", "AWS", "Postgres", "CurlHTTP", "TestSupport"],
                    exclude: ["Support/fault_proxy.py", "Support/credential_endpoints.py", "Support/iam_enforced_moto.py", "Support/connection_flood.py",
                              "Support/inventory_report.py", "Support/multipart_upload.py"]),
    ]
)

for target in package.targets where target.type != .system && target.type != .binary {
    if target.name == "CS3MoverShims" { continue }
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
