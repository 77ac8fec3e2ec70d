// swift-tools-version:5.10
import PackageDescription

/// The files of the generated definition pack in Schemas/ (`dch pack build` writes exactly these).
let packFiles = [
    "pack-index.tsv", "codec-types.tsv", "events.json", "compiled-profiles.bin",
    "core-structures.ndjson", "core-extensions.ndjson", "core-terminology.ndjson",
    "nhs-structures.ndjson", "nhs-other-structures.ndjson", "nhs-terminology.ndjson",
    "careconnect-structures.ndjson", "careconnect-terminology.ndjson",
    "maps", // the STU3 <-> R4 maps (official HL7 maps with dch's fixes, NHS profile map), read by `dch map`
    "r4",   // the R4 part (R4 core and UK Core): a pack of its own, opened only when R4 is asked for
]

let package = Package(
    name: "dch",
    // macOS 26: the safe byte and element access (Array.span, String.utf8.span) needs its Swift runtime.
    platforms: [.macOS("26.0")],
    products: [
        .library(name: "FHIRModel", targets: ["FHIRModel"]),
        .library(name: "FHIRDefinitions", targets: ["FHIRDefinitions"]),
        .library(name: "FHIRXML", targets: ["FHIRXML"]),
        .library(name: "FHIRJSON", targets: ["FHIRJSON"]),
        .library(name: "FHIRConversion", targets: ["FHIRConversion"]),
        .library(name: "FHIRDefinitionImport", targets: ["FHIRDefinitionImport"]),
        .library(name: "FHIRPath", targets: ["FHIRPath"]),
        .library(name: "FHIRValidation", targets: ["FHIRValidation"]),
        .library(name: "ValidationReports", targets: ["ValidationReports"]),
        .library(name: "ChildHealthEvents", targets: ["ChildHealthEvents"]),
        .library(name: "MessageStreams", targets: ["MessageStreams"]),
        .library(name: "MessageChecking", targets: ["MessageChecking"]),
        .library(name: "BulkTransfer", targets: ["BulkTransfer"]),
        .library(name: "EventResponse", targets: ["EventResponse"]),
        .library(name: "EventBuilder", targets: ["EventBuilder"]),
        .library(name: "HL7v2", targets: ["HL7v2"]),
        .library(name: "FHIRMapping", targets: ["FHIRMapping"]),
        .library(name: "LawfulSharing", targets: ["LawfulSharing"]),
        .library(name: "EventMapping", targets: ["EventMapping"]),
        .executable(name: "dch", targets: ["dch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // `swift package generate-documentation` (scripts/docs) builds the DocC catalogues.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
        // Sharing policies and mapping files are YAML; flat extracts are RFC 4180 CSV (EventMapping); pseudonyms, date shifts and linkage tokens are HMAC-SHA256, encryption AES-GCM.
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // zlib: gzip inputs, zip entries in and out. Not named CZlib: ZIPFoundation declares a
        // module of that name on Linux, and two module maps of one name cannot meet in a build.
        .systemLibrary(
            name: "CDCHZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(name: "FHIRModel"),
        // The generated pack (Schemas/, written by scripts/regenerate-pack) is this target's resource:
        // SwiftPM copies it into a bundle beside every executable that links FHIRDefinitions, so a
        // build finds its pack without the source tree.
        .target(name: "DCHSchemas", path: "Schemas", sources: ["DefinitionPackResources.swift"],
                resources: packFiles.map { .copy($0) }),
        .target(name: "FHIRDefinitions", dependencies: ["FHIRModel", "DCHSchemas"]),
        .target(name: "FHIRXML", dependencies: ["FHIRModel", "FHIRDefinitions", "CLibXML2"]),
        .target(name: "FHIRJSON", dependencies: ["FHIRModel", "FHIRDefinitions"]),
        .target(name: "FHIRConversion", dependencies: ["FHIRModel", "FHIRDefinitions", "FHIRXML", "FHIRJSON"]),
        .target(name: "FHIRPath", dependencies: ["FHIRModel", "FHIRDefinitions", "FHIRJSON"]),
        .target(name: "FHIRValidation", dependencies: ["FHIRModel", "FHIRDefinitions", "FHIRPath"]),
        .target(name: "ValidationReports", dependencies: ["FHIRModel", "FHIRConversion"]),
        .target(name: "ChildHealthEvents", dependencies: ["FHIRModel", "FHIRDefinitions", "FHIRValidation"]),
        // Inputs read a chunk at a time and split into messages (NDJSON, XML and JSON streams),
        // gzip and zip inputs, and a resumable zip output.
        .target(name: "MessageStreams", dependencies: ["FHIRModel", "CDCHZlib"]),
        // The checking pipeline every command and a vendor's code call: read, XSD, every layer, event rules.
        .target(name: "MessageChecking", dependencies: ["FHIRModel", "FHIRDefinitions", "FHIRXML", "FHIRJSON", "FHIRConversion", "FHIRValidation",
                                                         "ChildHealthEvents", "ValidationReports", "MessageStreams"]),
        .target(name: "EventResponse", dependencies: ["FHIRModel", "FHIRValidation", "FHIRConversion", "MessageChecking"]),
        // Streaming bulk conversion: many inputs, parallel workers, quarantine, checkpoints and resume.
        .target(name: "BulkTransfer", dependencies: ["FHIRModel", "FHIRConversion", "MessageChecking", "MessageStreams",
                                                      "ValidationReports", "ChildHealthEvents"]),
        // The FHIR Mapping Language: FML parser, StructureMap resources, the map executor (FHIRPath for conditions).
        .target(name: "FHIRMapping", dependencies: ["FHIRModel", "FHIRDefinitions", "FHIRPath", "FHIRJSON"]),
        .target(name: "EventBuilder", dependencies: ["ChildHealthEvents", "FHIRModel", "FHIRDefinitions", "FHIRValidation"]),
        // HL7 v2: reader (MLLP, batches, escapes, character sets), paths, writer and ACKs.
        .target(name: "HL7v2", dependencies: ["FHIRModel"]),
        // Policy-driven minimisation, pseudonymisation, consent, audit and linkage tokens (`dch share`).
        // Refuses YAML nested deeper than Yams's recursive composer can take (policies, mapping files).
        .target(name: "YAMLNesting", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "LawfulSharing", dependencies: ["FHIRModel", "FHIRDefinitions", "FHIRPath", "ChildHealthEvents", "YAMLNesting",
                                                      .product(name: "Yams", package: "Yams"),
                                                      .product(name: "Crypto", package: "swift-crypto")]),
        // Declarative mappings (YAML files in Mappings/, one per mapping) run by one engine on the
        // event builder: flat CSV rows <-> event messages; HL7 v2 sources plug into the same engine.
        .target(name: "EventMapping", dependencies: ["FHIRModel", "FHIRDefinitions", "FHIRPath", "ChildHealthEvents", "EventBuilder", "HL7v2", "YAMLNesting",
                                                     .product(name: "Yams", package: "Yams"),
                                                     .product(name: "CSV", package: "CSV.swift")],
                resources: [.copy("Mappings")]),
        .target(
            name: "FHIRDefinitionImport",
            dependencies: ["FHIRModel", "FHIRDefinitions", "FHIRXML", "FHIRJSON", "FHIRConversion",
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .executableTarget(
            name: "dch",
            dependencies: [
                "FHIRModel", "FHIRDefinitions", "FHIRXML", "FHIRConversion", "FHIRDefinitionImport", "FHIRPath", "FHIRValidation",
                "ValidationReports", "ChildHealthEvents", "MessageStreams", "MessageChecking", "BulkTransfer", "EventResponse", "EventBuilder", "FHIRMapping", "FHIRJSON",
                "LawfulSharing", "EventMapping", "HL7v2",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: finding ../shared and Schemas/, an independent JSON oracle,
        // tree comparison, mini definition packs, running the dch executable.
        .target(name: "DCHTestSupport", dependencies: ["FHIRModel", "FHIRDefinitions"], path: "Tests/DCHTestSupport"),
        .testTarget(name: "FHIRModelTests", dependencies: ["FHIRModel"]),
        // ZIPFoundation reads the zips ZipOutputWriter writes (beside python's zipfile).
        .testTarget(name: "MessageStreamsTests", dependencies: ["MessageStreams", "DCHTestSupport",
                                                               .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "FHIRDefinitionsTests", dependencies: ["FHIRModel", "FHIRDefinitions", "FHIRDefinitionImport", "FHIRJSON", "FHIRXML", "DCHTestSupport"]),
        .testTarget(name: "FHIRXMLTests", dependencies: ["FHIRModel", "FHIRXML", "FHIRDefinitions", "DCHTestSupport"]),
        .testTarget(name: "FHIRJSONTests", dependencies: ["FHIRModel", "FHIRJSON", "FHIRDefinitions", "DCHTestSupport"]),
        .testTarget(name: "FHIRConversionTests", dependencies: ["FHIRDefinitions", "FHIRModel", "FHIRConversion", "DCHTestSupport"]),
        .testTarget(name: "FHIRPathTests", dependencies: ["FHIRDefinitions", "FHIRModel", "FHIRPath", "FHIRConversion", "FHIRValidation", "DCHTestSupport"],
                    exclude: ["fhirpathpy_driver.py"]),
        // ZIPFoundation reads the zipped official definitions that the mutation catalogue reads raw.
        .testTarget(name: "FHIRValidationTests", dependencies: ["FHIRXML", "FHIRDefinitions", "FHIRModel", "FHIRValidation", "FHIRConversion", "ChildHealthEvents", "MessageChecking", "DCHTestSupport",
                                                               .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // ZIPFoundation's inflate decodes the PNGs that headless Chromium renders of the HTML report.
        .testTarget(name: "ValidationReportsTests", dependencies: ["FHIRModel", "ValidationReports", "FHIRConversion", "DCHTestSupport",
                                                                  .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "ChildHealthEventsTests", dependencies: ["FHIRDefinitions", "FHIRModel", "ChildHealthEvents", "FHIRConversion", "DCHTestSupport"]),
        .testTarget(name: "EventMappingTests", dependencies: ["EventMapping", "EventBuilder", "ChildHealthEvents", "FHIRDefinitions", "FHIRModel", "HL7v2",
                                                             "FHIRConversion", "FHIRPath", "MessageChecking", "DCHTestSupport"]),
        .testTarget(name: "EventBuilderTests", dependencies: ["FHIRDefinitions", "FHIRModel", "EventBuilder", "ChildHealthEvents", "FHIRValidation", "FHIRConversion", "DCHTestSupport"]),
        // spark_pipe.py: the PySpark driver SparkPipeTests runs (a local Spark piping messages through dch).
        .testTarget(name: "dchTests", dependencies: ["DCHTestSupport"], exclude: ["spark_pipe.py"]),
        // The DocC articles' code, run on the samples, through the public API only.
        .testTarget(name: "DocumentationTests", dependencies: ["FHIRModel", "FHIRDefinitions", "FHIRConversion", "FHIRValidation",
                                                               "ValidationReports", "ChildHealthEvents", "EventBuilder", "FHIRXML",
                                                               "FHIRJSON", "FHIRPath", "MessageChecking", "EventResponse",
                                                               "BulkTransfer", "HL7v2", "FHIRMapping", "LawfulSharing", "DCHTestSupport"]),
        // ZIPFoundation reads the HL7 tables (0008, 0357, 0516) from the FHIR R4 package in ../shared;
        // EventBuilder's SeededRandom makes the generated hostile inputs.
        .testTarget(name: "HL7v2Tests", dependencies: ["HL7v2", "DCHTestSupport", "EventBuilder",
                                                      .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "FHIRMappingTests", dependencies: ["FHIRMapping", "FHIRModel", "FHIRDefinitions", "FHIRJSON", "FHIRXML", "DCHTestSupport"]),
        // The CSV extract tests run `dch share --to csv` and read its rows with CSV.swift; the linkage
        // token is recomputed with swift-crypto's HKDF and HMAC, apart from LawfulSharing's code.
        .testTarget(name: "LawfulSharingTests", dependencies: ["LawfulSharing", "FHIRModel", "FHIRConversion", "FHIRPath",
                                                               "MessageChecking", "EventBuilder", "ChildHealthEvents", "EventMapping", "DCHTestSupport",
                                                               .product(name: "Crypto", package: "swift-crypto"),
                                                               .product(name: "CSV", package: "CSV.swift")]),
        .testTarget(name: "EventResponseTests", dependencies: ["FHIRModel", "EventResponse", "MessageChecking", "FHIRValidation", "FHIRConversion", "DCHTestSupport"]),
        // Uses only the public API (no @testable): the library checks and converts exactly as the CLI does.
        .testTarget(name: "PublicAPITests", dependencies: ["MessageChecking", "FHIRConversion", "ValidationReports", "FHIRModel",
                                                            "DCHTestSupport"]),
    ]
)
