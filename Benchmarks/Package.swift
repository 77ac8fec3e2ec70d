// swift-tools-version:6.1
// Benchmarks live in their own package so that `swift test` on dch never builds the benchmark
// framework. Run: `swift package --package-path Benchmarks benchmark` or `scripts/bench`.
import PackageDescription
import Foundation

// A path dependency is known by its folder's name, which is whatever the checkout is called.
let dch = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "dch-benchmarks",
    // macOS 26: the safe byte and element access (Array.span, String.utf8.span) needs its Swift runtime.
    platforms: [.macOS("26.0")],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchmarkCorpus",
            dependencies: [.product(name: "FHIRConversion", package: dch)],
            path: "Sources/BenchmarkCorpus"
        ),
        .executableTarget(
            name: "ConversionBenchmarks",
            dependencies: [
                "BenchmarkCorpus",
                .product(name: "FHIRConversion", package: dch),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ConversionBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "fml-throughput",
            dependencies: [
                .product(name: "FHIRMapping", package: dch),
                .product(name: "FHIRJSON", package: dch),
                .product(name: "FHIRDefinitions", package: dch),
            ],
            path: "Sources/fml-throughput"
        ),
        .executableTarget(
            name: "dch-throughput",
            dependencies: [
                "BenchmarkCorpus",
                .product(name: "FHIRConversion", package: dch),
                .product(name: "FHIRValidation", package: dch),
                .product(name: "ChildHealthEvents", package: dch),
            ],
            path: "Sources/dch-throughput"
        ),
    ]
)
