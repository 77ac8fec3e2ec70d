import XCTest
import Foundation
import DCHTestSupport

/// The manifest as SwiftPM itself reads it (`swift package dump-package`): every target declares
/// exactly the modules its sources import, no more (a dependency nobody imports) and no fewer (an
/// import that only works because another target happened to pull the module in).
final class PackageShapeTests: XCTestCase {
    private struct Manifest: Decodable {
        struct Target: Decodable {
            let name: String
            let type: String
            let path: String?
            let dependencies: [Dependency]
        }
        /// `{"byName": ["X", null]}`, `{"target": ["X", null]}` or `{"product": ["X", "package", …]}`.
        struct Dependency: Decodable {
            let name: String
            init(from decoder: Decoder) throws {
                let c = try decoder.container(keyedBy: AnyKey.self)
                guard let key = c.allKeys.first else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "empty")) }
                var list = try c.nestedUnkeyedContainer(forKey: key)
                name = try list.decode(String.self)
            }
        }
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let targets: [Target]
    }

    func testEveryTargetDeclaresExactlyWhatItImports() throws {
        guard let swift = ["/usr/bin/swift", "/opt/swift/usr/bin/swift"].first(where: FileManager.default.isExecutableFile) else {
            throw Prerequisite.missing("the swift executable (to read the manifest with `swift package dump-package`)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: swift)
        // Its own scratch folder: the running `swift test` holds the lock on .build.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dch-manifest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        process.arguments = ["package", "--package-path", SharedCorpus.packageRoot.path, "--scratch-path", scratch.path, "dump-package"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let manifest = try JSONDecoder().decode(Manifest.self, from: data)
        let modules = Set(manifest.targets.map(\.name)).union(["ArgumentParser", "ZIPFoundation", "Yams", "Crypto", "CSV"])
        var checked = 0
        for target in manifest.targets where target.type != "system" {
            let folder = SharedCorpus.packageRoot.appendingPathComponent(
                target.path ?? (target.type == "test" ? "Tests/\(target.name)" : "Sources/\(target.name)"))
            let imported = try Self.imports(in: folder).intersection(modules).subtracting([target.name])
            let declared = Set(target.dependencies.map(\.name))
            XCTAssertEqual(imported.subtracting(declared).sorted(), [], "\(target.name) imports modules it does not declare")
            XCTAssertEqual(declared.subtracting(imported).sorted(), [], "\(target.name) declares modules it never imports")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 25)
    }

    /// The modules the Swift files below `folder` import.
    private static func imports(in folder: URL) throws -> Set<String> {
        var found = Set<String>()
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        for file in files {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                var words = line.split(separator: " ").map(String.init)
                while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
                if words.count >= 2, words[0] == "import" { found.insert(words[1]) }
            }
        }
        return found
    }
}
