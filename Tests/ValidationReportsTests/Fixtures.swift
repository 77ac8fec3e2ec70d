import Foundation
import FHIRModel
import ValidationReports

/// Hand-made runs for the writer tests.
enum Fixtures {
    /// Two inputs: `a.xml` (one message, an error and a warning) and `b.ndjson` (three messages:
    /// clean, unreadable, and one with information), with text that needs escaping everywhere.
    static var run: ValidationRun {
        ValidationRun(messages: [
            MessageReport(file: "a.xml", index: 0, resourceType: "Patient", id: "p1", issues: [
                Issue(.error, .structure, rule: "struct.unknown-element", "unknown element 'favouriteColour' <&>\"",
                      path: "Patient.favouriteColour", position: SourcePosition(line: 3, column: 5),
                      file: "a.xml", messageIndex: 0),
                Issue(.warning, .value, rule: "value.whitespace", "leading space\nin value",
                      file: "a.xml", messageIndex: 0),
            ]),
            MessageReport(file: "b.ndjson", index: 0, resourceType: "Bundle", id: "b0"),
            MessageReport(file: "b.ndjson", index: 1, issues: [
                Issue(.fatal, .structure, rule: "json.syntax", "expected ',' or '}' \u{1}",
                      position: SourcePosition(line: 2, column: 7), file: "b.ndjson", messageIndex: 1),
            ]),
            MessageReport(file: "b.ndjson", index: 2, resourceType: "Bundle", id: "b2", issues: [
                Issue(.information, .informational, rule: "binding.not-checked", "SNOMED CT is not checked offline",
                      path: "Bundle.entry[1].resource.code", position: SourcePosition(line: 3, column: 120),
                      file: "b.ndjson", messageIndex: 2),
            ]),
        ])
    }

    /// Runs an executable and returns its status and stderr.
    static func runTool(_ path: String, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The first executable with this name on PATH.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A fresh temporary file path with an extension.
    static func tempFile(_ ext: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("dch-rep-\(UUID().uuidString).\(ext)")
    }
}
