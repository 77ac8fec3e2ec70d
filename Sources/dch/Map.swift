import ArgumentParser

/// `dch map`: FHIR Mapping Language maps. For now `--check` only: parse maps and report their
/// syntax and reference errors (the conversion options join it when `dch map` runs maps).
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Check FHIR Mapping Language maps (FML, or StructureMap JSON/XML).",
        discussion: """
            --check parses each map and reports every syntax or reference error (unknown variable, \
            group, conceptmap; wrong argument count) as FILE:LINE:COL: error: message, on stderr. \
            Imports are resolved against the other maps given and the .fml files beside each map. \
            Exit codes: 0 no errors; 1 a map has errors; 2 usage error.
            """)

    @Flag(name: .long, help: "Parse the maps and report syntax and reference errors.")
    var check = false

    @Argument(help: "Map files: .fml, .fml.md, or StructureMap .json/.xml.")
    var files: [String] = []

    func validate() throws {
        guard check else { throw ValidationError("only --check is supported so far") }
        guard !files.isEmpty else { throw ValidationError("give at least one map file") }
    }

    func run() throws {
        if !MapCheck.run(files) { throw ExitCode(1) }
    }
}
