// swift-tools-version:6.0
// The libFuzzer targets, as a package of their own so that `swift build` and `swift test` of esw
// never build them: they link only with the toolchain's libFuzzer. scripts/fuzz builds them with
// `-Xswiftc -sanitize=fuzzer` (every module instrumented) and runs them. Each has its own `main`,
// which hands the property check to LLVMFuzzerRunDriver, because SwiftPM points an executable's
// `main` at the module's entry point (so libFuzzer's own `main` cannot be used).
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// One executable per target, each with the properties it checks in its one source file.
let fuzzTargets: [Target] = ["FuzzSpreadsheet", "FuzzChunks", "FuzzCodes"].map { name in
    .executableTarget(
        name: name,
        dependencies: [
            "FuzzSupport",
            .product(name: "CalendarDates", package: "enterprise-social-work"),
            .product(name: "Workforce", package: "enterprise-social-work"),
            .product(name: "WorkforceOutput", package: "enterprise-social-work"),
        ],
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "esw-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "enterprise-social-work", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: [
                "CFuzzDriver",
                .product(name: "Workforce", package: "enterprise-social-work"),
                .product(name: "WorkforceOutput", package: "enterprise-social-work"),
            ],
            swiftSettings: swiftSettings
        ),
    ] + fuzzTargets,
    swiftLanguageModes: [.v6]
)
