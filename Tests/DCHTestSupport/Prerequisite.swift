import Foundation
import XCTest

/// What a test does when something it needs from outside the package is missing: `../shared`, the
/// generated definition pack, or a tool (xmllint, Chromium, python3 with jsonschema or fhirpathpy).
///
/// `swift test` on its own skips such a test with a message saying what is missing and how to get
/// it. Under `.ci/run`, which exports `DCH_REQUIRE_ALL=1` after installing everything, the same
/// absence is a failure: CI cannot go green by skipping.
public enum Prerequisite {
    /// The environment variable `.ci/run` sets.
    public static let requireAllVariable = "DCH_REQUIRE_ALL"

    /// True when a missing prerequisite must fail the test instead of skipping it.
    public static var isRequired: Bool {
        let value = ProcessInfo.processInfo.environment[requireAllVariable] ?? ""
        return !value.isEmpty && value != "0"
    }

    /// A prerequisite that is required but missing (thrown under `DCH_REQUIRE_ALL`).
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The error to throw when `what` is missing: an `XCTSkip`, or under `DCH_REQUIRE_ALL`
    /// ``Missing`` (a thrown error fails an XCTest test).
    public static func missing(_ what: String, file: StaticString = #filePath, line: UInt = #line) -> Error {
        guard isRequired else { return XCTSkip(what, file: file, line: line) }
        return Missing(description: "\(what) [\(requireAllVariable) is set: a missing prerequisite fails the test]")
    }
}
