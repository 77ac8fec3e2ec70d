import XCTest
import FHIRModel

/// Runs `body`, which should throw an ``IssuesError``, and returns its issues. Fails the test and
/// returns no issues when `body` succeeds (saying what it made, by `describe`) or throws another error.
public func expectIssues<T>(file: StaticString = #filePath, line: UInt = #line,
                            describing describe: (T) -> String = { "\($0)" },
                            _ body: () throws -> T) -> [Issue] {
    do {
        let made = try body()
        XCTFail("expected an error, got \(describe(made))", file: file, line: line)
        return []
    } catch let error as IssuesError {
        return error.issues
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
        return []
    }
}

extension Encoded {
    /// The bytes as UTF-8 text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
