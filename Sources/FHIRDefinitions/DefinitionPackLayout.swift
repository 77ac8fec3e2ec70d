import Foundation

/// Where the pack lives and how its files are named.
public enum DefinitionPackLayout {
    /// The index file in a pack folder.
    public static let indexFileName = "pack-index.tsv"
    /// First line of the index; bump the version when the record format changes.
    public static let indexHeader = "# dch definition pack v1: kind\turl\tfile\toffset\tlength"

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
