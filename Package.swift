// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "enterprise-social-work",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "esw", targets: ["esw"]),
        .executable(name: "esw-bench", targets: ["ESWBench"]),
        .library(name: "Workforce", targets: ["Workforce"]),
        .library(name: "WorkforceOutput", targets: ["WorkforceOutput"]),
        .library(name: "PostgresClient", targets: ["PostgresClient"]),
        .library(name: "CalendarDates", targets: ["CalendarDates"]),
        .library(name: "WorkforceWeb", targets: ["WorkforceWeb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The evidence pack: a ZIP archive, with SHA-256 digests in its manifest.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // HTML pages and reports as Mustache templates, escaped by the template engine.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // esw serve: the HTTP server, its graceful shutdown and request logs.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Already in the graph through Hummingbird; named because esw serve uses their types directly
        // (header names, the peer's address).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // The JSON API: server code generated from openapi.yaml (committed; scripts/generate-api).
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        // Dates as domain values: no dependencies, so code that only needs dates imports only this.
        .target(
            name: "CalendarDates",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PostgresClient",
            dependencies: [
                "CLibPQ",
                "CalendarDates",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "EmbedSQL",
            swiftSettings: swiftSettings
        ),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["EmbedSQL"]
        ),
        .target(
            name: "Workforce",
            // Crypto (already PostgresClient's): the SHA-256 of an imported file, for the audit trail.
            dependencies: ["CalendarDates", "PostgresClient", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings,
            plugins: ["EmbedMigrations"]
        ),
        .target(
            name: "WorkforceOutput",
            dependencies: [
                "Workforce",
                "CalendarDates",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // Compiled into the binary, so that an installed esw needs no files beside it.
            resources: [.embedInCode("Templates")],
            swiftSettings: swiftSettings
        ),
        // esw serve: pages and the JSON API over the same domain layer, each request as its user.
        .target(
            name: "WorkforceWeb",
            dependencies: [
                "CalendarDates", "PostgresClient", "Workforce", "WorkforceOutput",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ESWBench",
            dependencies: ["CalendarDates", "Workforce", "PostgresClient"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "esw",
            dependencies: [
                "CalendarDates",
                "Workforce",
                "WorkforceOutput",
                "WorkforceWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["CalendarDates", "PostgresClient", "Workforce", "WorkforceOutput"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresClientTests",
            dependencies: ["CalendarDates", "PostgresClient", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkforceTests",
            dependencies: [
                "CalendarDates", "Workforce", "WorkforceOutput", "PostgresClient", "TestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkforceWebTests",
            dependencies: [
                "CalendarDates", "Workforce", "WorkforceOutput", "WorkforceWeb", "PostgresClient", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                // The SHA-256 of openapi.yaml that the generated code is stamped with.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "eswTests",
            dependencies: ["esw", "CalendarDates", "Workforce", "WorkforceOutput", "PostgresClient", "TestSupport"],
            // Expected outputs, read at run time from the source tree.
            exclude: ["Snapshots"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
