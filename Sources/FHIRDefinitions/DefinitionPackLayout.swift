import Foundation
import FHIRModel

/// Where the pack lives and how its files are named.
public enum DefinitionPackLayout {
    /// The index file in a pack folder.
    public static let indexFileName = "pack-index.tsv"
    /// The pack format's version. Bump it when a record or table format changes: a reader refuses a
    /// pack of another version with a clear message instead of failing on a record.
    public static let formatVersion = 2
    /// First line of the index.
    public static let indexHeader = "# dch definition pack v\(formatVersion): kind\turl\tfile\toffset\tlength"
    /// First line of the codec table.
    public static let codecTableHeader = "# dch codec types v\(formatVersion): name\tkind\turl\tpath:repeats:types[:a];…"

    /// Checks that a pack file starts with the header of this version.
    static func checkHeader(_ firstLine: Substring, expected: String, file: String) throws {
        guard firstLine == expected[...] else {
            throw IssuesError(Issue(.fatal, .processing, rule: "pack.version",
                "\(file) is not a dch definition pack of format v\(formatVersion) (first line: '\(firstLine.prefix(60))'); "
                + "regenerate it with `dch pack build`"))
        }
    }

    /// Finds the shipped pack. In order: `$DCH_SCHEMAS`; `Schemas/` or `share/dch/Schemas/` beside or
    /// above the running executable (an install, or `.build/…` inside a checkout); the `Schemas/`
    /// folder of the source checkout this library was built from (a package dependency).
    public static func locateShippedPack() -> URL? {
        let fm = FileManager.default
        func isPack(_ url: URL) -> Bool {
            fm.fileExists(atPath: url.appendingPathComponent(indexFileName).path)
        }
        if let env = ProcessInfo.processInfo.environment["DCH_SCHEMAS"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            for candidate in [dir.appendingPathComponent("Schemas"),
                              dir.appendingPathComponent("share/dch/Schemas")] where isPack(candidate) {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        let source = URL(fileURLWithPath: #filePath)  // …/Sources/FHIRDefinitions/DefinitionPackLayout.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Schemas")
        return isPack(source) ? source : nil
    }
}
