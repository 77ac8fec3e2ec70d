import XCTest
import Foundation
import DCHTestSupport

/// The binary `scripts/install` puts in a prefix works anywhere: moved to a prefix the build never
/// knew, run from a folder outside the checkout with a bare environment, it validates and converts
/// exactly as the in-tree build does, and it finds no pack but its own.
///
/// The release build takes minutes, so these tests need an installed prefix named by
/// `DCH_INSTALLED_PREFIX` (`.ci/run` installs one); plain `swift test` skips them.
final class InstalledBinaryTests: CommandTestCase {
    static let prefixVariable = "DCH_INSTALLED_PREFIX"
    static let samples = ["dch-birth-weight.xml", "nems-vaccination-new.json"]

    /// A copy of the installed prefix in this test's temporary folder.
    var prefix: URL!
    /// The working folder (outside the checkout) holding copies of the samples.
    var work: URL!
    var installedDCH: URL { prefix.appendingPathComponent("bin/dch") }
    var installedPack: URL { prefix.appendingPathComponent("share/dch/Schemas") }
    /// An environment with nothing of the build in it: no DCH_SCHEMAS, no library path, no toolchain on PATH.
    let bareEnvironment = ["PATH": "/usr/bin:/bin"]

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard let installed = ProcessInfo.processInfo.environment[Self.prefixVariable], !installed.isEmpty else {
            throw Prerequisite.missing("\(Self.prefixVariable) is not set: run `scripts/install /tmp/dch-prefix` and set "
                                       + "\(Self.prefixVariable)=/tmp/dch-prefix (.ci/run does both)")
        }
        let fm = FileManager.default
        let source = URL(fileURLWithPath: installed)
        prefix = temp.appendingPathComponent("relocated")
        try fm.createDirectory(at: prefix.appendingPathComponent("share/dch"), withIntermediateDirectories: true)
        try fm.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try fm.copyItem(at: source.appendingPathComponent("bin/dch"), to: installedDCH)
        try fm.copyItem(at: source.appendingPathComponent("share/dch/Schemas"), to: installedPack)
        work = temp.appendingPathComponent("work")
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        for name in Self.samples {
            try fm.copyItem(at: SharedCorpus.packageRoot.appendingPathComponent("Samples/\(name)"),
                            to: work.appendingPathComponent(name))
        }
    }

    /// What the in-tree build prints, with the pack the build ships (never `$DCH_SCHEMAS`).
    func inTree(_ arguments: [String]) throws -> CommandResult {
        var environment = ProcessInfo.processInfo.environment
        environment["DCH_SCHEMAS"] = nil
        return try DCHCommand.run(arguments, in: work, environment: environment)
    }

    func installed(_ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
        try DCHCommand.run(executable: installedDCH, arguments, in: work, environment: environment ?? bareEnvironment)
    }

    func assertSame(_ a: CommandResult, _ b: CommandResult, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.status, b.status, "\(what): exit status", file: file, line: line)
        XCTAssertEqual(a.stderr, b.stderr, "\(what): stderr", file: file, line: line)
        XCTAssertTrue(a.stdout == b.stdout, "\(what): stdout differs", file: file, line: line)
    }

    func testValidatesAndConvertsLikeTheInTreeBuild() throws {
        let validate = ["validate"] + Self.samples
        let result = try installed(validate)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdoutText.contains("2 messages, 0 errors"), result.stdoutText)
        assertSame(result, try inTree(validate), "dch validate")

        for name in Self.samples {
            let convert = ["convert", name]
            let converted = try installed(convert)
            XCTAssertEqual(converted.status, 0, converted.stderr)
            XCTAssertGreaterThan(converted.stdout.count, 1000)
            assertSame(converted, try inTree(convert), "dch convert \(name)")
        }
    }

    /// With its own pack gone the installed binary fails: it found the pack beside itself, not in
    /// the checkout or the build folder (which still exist on this machine).
    func testFindsNoPackButItsOwn() throws {
        try FileManager.default.removeItem(at: prefix.appendingPathComponent("share"))
        let result = try installed(["convert", Self.samples[0]])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stdout.isEmpty)
        XCTAssertTrue(result.stderr.contains("the definition pack was not found"), result.stderr)
        XCTAssertTrue(result.stderr.contains(prefix.appendingPathComponent("share/dch/Schemas").path), result.stderr)
    }

    /// `DCH_SCHEMAS` names a pack anywhere, and wins over the installed one.
    func testDCHSchemasOverridesTheInstalledPack() throws {
        let elsewhere = temp.appendingPathComponent("elsewhere/Schemas")
        try FileManager.default.createDirectory(at: elsewhere.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: installedPack, to: elsewhere)
        var environment = bareEnvironment
        environment["DCH_SCHEMAS"] = elsewhere.path
        let convert = ["convert", Self.samples[1]]
        assertSame(try installed(convert, environment: environment), try inTree(convert), "dch convert with DCH_SCHEMAS")

        try FileManager.default.moveItem(at: elsewhere, to: installedPack)
        environment["DCH_SCHEMAS"] = temp.appendingPathComponent("no-pack").path
        let wrong = try installed(convert, environment: environment)
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("no-pack/pack-index.tsv"), wrong.stderr)
    }

    /// Called by name through a symlink on PATH (argv[0] is plain `dch`), it still finds its pack.
    func testRunsThroughASymlinkOnPATH() throws {
        let links = temp.appendingPathComponent("links")
        try FileManager.default.createDirectory(at: links, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: links.appendingPathComponent("dch"), withDestinationURL: installedDCH)
        let convert = ["convert", Self.samples[0]]
        let result = try DCHCommand.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "dch convert \(Self.samples[0])"],
                                        in: work, environment: ["PATH": "\(links.path):/usr/bin:/bin"])
        assertSame(result, try inTree(convert), "dch convert through a symlink on PATH")
    }

    /// The Swift runtime and Foundation are linked in: no libswift*.so, nothing from the toolchain.
    func testNeedsNoSwiftRuntimeLibraries() throws {
        let ldd = URL(fileURLWithPath: "/usr/bin/ldd")
        guard FileManager.default.isExecutableFile(atPath: ldd.path) else {
            throw Prerequisite.missing("ldd (/usr/bin/ldd, from libc-bin) is absent")
        }
        let result = try DCHCommand.run(executable: ldd, [installedDCH.path], in: work, environment: bareEnvironment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let libraries = result.stdoutText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(libraries.contains { $0.hasPrefix("libc.so") }, result.stdoutText)
        XCTAssertEqual(libraries.filter { $0.lowercased().contains("swift") || $0.contains("Foundation") || $0.contains("not found") },
                       [], result.stdoutText)
    }
}
