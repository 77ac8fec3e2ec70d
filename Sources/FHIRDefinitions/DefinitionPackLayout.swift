import Foundation
import DCHSchemas
import FHIRModel

/// Where the pack lives and how its files are named.
public enum DefinitionPackLayout {
    /// The index file in a pack folder.
    public static let indexFileName = "pack-index.tsv"
    /// The folder of the R4 part of a pack (R4 core 4.0.1 and UK Core), inside the STU3 pack's
    /// folder: a pack of its own (index, codec table, records), opened only when R4 is asked for.
    public static let r4Folder = "r4"
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
            throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.packVersion,
                "\(file) is not a dch definition pack of format v\(formatVersion) (first line: '\(firstLine.prefix(60))'); "
                + "regenerate it with `dch pack build`"))
        }
    }

    /// Where the generated pack lives in the package, relative to its root: `Schemas/`, a target
    /// of its own (DCHSchemas), because SwiftPM ships only a target's own files as its resources.
    public static let packageFolder = "Schemas"

    /// The environment variable that names a pack folder, overriding the shipped pack.
    public static let overrideVariable = "DCH_SCHEMAS"

    /// The SwiftPM resource bundle that carries `Schemas/` (`<package>_<target>`, named after the
    /// manifest's `name`; SwiftPM writes it beside the executable it links, in
    /// `.build/<configuration>/` or a dependent package's build folder). The pack is at its root.
    public static let resourceBundleName = DefinitionPackResources.bundleName

    /// Where an installed `dch` keeps the pack, relative to the folder of the executable
    /// (`PREFIX/bin/dch` → `PREFIX/share/dch/Schemas`; `scripts/install` puts it there).
    public static let installedPackPath = "../share/dch/Schemas"

    /// Finds the shipped pack. In order: `$DCH_SCHEMAS`; `Schemas/` in the resource bundle beside the
    /// running executable (a SwiftPM build, here or in a package that depends on this one);
    /// `../share/dch/Schemas` from the executable's folder (an install). The executable's path is the
    /// kernel's (symlinks resolved), not `argv[0]` or the working directory, and the source tree is
    /// never consulted: an installed binary behaves the same wherever its sources went.
    public static func locateShippedPack() -> URL? {
        if let override = overridePack { return override }
        return packCandidates().first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(indexFileName).path) }
    }

    /// `$DCH_SCHEMAS`, when set and not empty (taken as given: a wrong folder is reported when it is opened).
    private static var overridePack: URL? {
        guard let value = ProcessInfo.processInfo.environment[overrideVariable], !value.isEmpty else { return nil }
        return URL(fileURLWithPath: value)
    }

    /// The folders ``locateShippedPack()`` tries after `$DCH_SCHEMAS`, in order.
    static func packCandidates() -> [URL] {
        // The folders holding the running program's code: the executable's (on Linux the kernel's
        // path, symlinks resolved), and on macOS that of a loaded bundle such as an .xctest.
        var folders = [Bundle.main.bundleURL.resolvingSymlinksInPath()]
        let codeBundle = Bundle(for: PackLocator.self)
        if codeBundle != Bundle.main { folders.append(codeBundle.bundleURL.deletingLastPathComponent()) }
        return folders.map { folder -> URL in
            let bundle = folder.appendingPathComponent(resourceBundleName)
            // A macOS bundle keeps its resources in Contents/Resources; Bundle knows each platform's layout.
            return Bundle(url: bundle)?.resourceURL ?? bundle
        } + folders.prefix(1).map { $0.appendingPathComponent(installedPackPath).standardizedFileURL }
    }

    /// The message for a pack that cannot be found: where it was looked for and how to point at one.
    public static var notFoundMessage: String {
        "the definition pack was not found (looked in "
            + packCandidates().map(\.path).joined(separator: " and ")
            + "); reinstall dch (scripts/install) or set \(overrideVariable) to a pack folder"
    }
}

/// A class of this module, for `Bundle(for:)`: the bundle holding this module's code.
private final class PackLocator {}
