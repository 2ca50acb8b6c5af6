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
        .executableTarget(
            name: "FuzzSpreadsheet",
            dependencies: [
                "FuzzSupport",
                .product(name: "Workforce", package: "enterprise-social-work"),
                .product(name: "WorkforceOutput", package: "enterprise-social-work"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzCodes",
            dependencies: [
                "FuzzSupport",
                .product(name: "CalendarDates", package: "enterprise-social-work"),
                .product(name: "Workforce", package: "enterprise-social-work"),
                .product(name: "WorkforceOutput", package: "enterprise-social-work"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
