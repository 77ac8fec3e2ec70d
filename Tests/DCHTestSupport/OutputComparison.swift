import XCTest
import Foundation

/// Byte-for-byte comparison of what two runs wrote.
public enum OutputComparison {
    /// The offset of the first byte where `a` and `b` differ (the shorter length when one is a
    /// prefix of the other).
    public static func firstDifference(_ a: Data, _ b: Data) -> Int {
        zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    }

    /// Fails unless two folders hold the same file names, at least one, with the same bytes.
    public static func assertSameFolders(_ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: a.path).sorted()
        XCTAssertEqual(names, try FileManager.default.contentsOfDirectory(atPath: b.path).sorted(), file: file, line: line)
        XCTAssertFalse(names.isEmpty, file: file, line: line)
        for name in names {
            let x = try Data(contentsOf: a.appendingPathComponent(name)), y = try Data(contentsOf: b.appendingPathComponent(name))
            if x != y { XCTFail("\(name) differs at byte \(firstDifference(x, y))", file: file, line: line) }
        }
    }
}
