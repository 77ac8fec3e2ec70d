// swift-tools-version:5.10
// libFuzzer targets for dch's parsers and checkers (issue 18). Built only by `scripts/fuzz`, with
// `-sanitize=fuzzer,address`, which gives each target its `main`; `swift build` of dch never sees them.
import PackageDescription

let fuzzTarget = { (name: String, dependencies: [Target.Dependency]) -> Target in
    .executableTarget(name: name, dependencies: dependencies + ["FuzzSupport"], path: "Sources/\(name)")
}

let package = Package(
    name: "DCHFuzz",
    // macOS 26: the safe byte and element access (Array.span, String.utf8.span) needs its Swift runtime.
    platforms: [.macOS("26.0")],
    dependencies: [.package(name: "dch", path: "..")],
    targets: [
        .target(name: "CFuzzDriver", path: "Sources/CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: [
            "CFuzzDriver",
            .product(name: "FHIRModel", package: "dch"),
            .product(name: "FHIRDefinitions", package: "dch"),
            .product(name: "FHIRConversion", package: "dch"),
            .product(name: "ChildHealthEvents", package: "dch"),
        ], path: "Sources/FuzzSupport"),
        fuzzTarget("FuzzXMLReader", [.product(name: "FHIRXML", package: "dch")]),
        fuzzTarget("FuzzJSONReader", [.product(name: "FHIRJSON", package: "dch")]),
        fuzzTarget("FuzzConvert", [.product(name: "FHIRConversion", package: "dch")]),
        fuzzTarget("FuzzValidate", [.product(name: "MessageChecking", package: "dch")]),
        fuzzTarget("FuzzFHIRPath", [.product(name: "FHIRPath", package: "dch"), .product(name: "FHIRConversion", package: "dch")]),
        fuzzTarget("FuzzFramer", [.product(name: "MessageStreams", package: "dch")]),
        fuzzTarget("FuzzHL7v2", [.product(name: "HL7v2", package: "dch"), .product(name: "EventMapping", package: "dch")]),
        fuzzTarget("FuzzCSVEvents", [.product(name: "EventMapping", package: "dch")]),
        fuzzTarget("FuzzFML", [.product(name: "FHIRMapping", package: "dch"), .product(name: "FHIRModel", package: "dch")]),
        fuzzTarget("FuzzPolicy", [.product(name: "LawfulSharing", package: "dch"), .product(name: "FHIRPath", package: "dch"),
                                  .product(name: "FHIRModel", package: "dch")]),
    ]
)
