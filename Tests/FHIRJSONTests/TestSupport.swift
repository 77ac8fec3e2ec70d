import XCTest
import FHIRModel
import DCHTestSupport
@testable import FHIRJSON

func readJSON(_ text: String, options: JSONReadOptions = .init()) throws -> Decoded {
    try FHIRJSONReader(options: options).read(text)
}

/// The issues of a failed read; fails the test when the read succeeded.
func readErrors(_ text: String, options: JSONReadOptions = .init(),
                file: StaticString = #filePath, line: UInt = #line) -> [Issue] {
    expectIssues(file: file, line: line, describing: { "a tree: \($0.root)" }) {
        try FHIRJSONReader(options: options).read(text)
    }
}
