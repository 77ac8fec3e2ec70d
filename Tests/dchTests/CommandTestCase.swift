import XCTest
import Foundation

/// A test case with a temporary folder of its own, made before each test and removed after it,
/// for the files a real `dch` process reads and writes.
class CommandTestCase: XCTestCase {
    var temp: URL!

    override func setUpWithError() throws {
        temp = FileManager.default.temporaryDirectory.appendingPathComponent("dch-\(type(of: self))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: temp)
    }

    /// Writes a file in the temporary folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = temp.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}
