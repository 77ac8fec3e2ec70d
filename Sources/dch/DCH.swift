import ArgumentParser

/// The `dch` command: one subcommand per job; the work is done by the library modules.
struct DCH: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dch",
        abstract: "Convert, check and build UK Digital Child Health and NEMS FHIR STU3 messages.",
        discussion: """
            Exit codes: 0 success; 1 an input could not be converted or validated (the others still are); \
            2 usage or I/O error.
            """,
        version: "0.1.0",
        // Every subcommand names itself (`commandName`): else ArgumentParser derives each name from
        // its type by reflection on every run, 10M instructions of a one-message validation.
        subcommands: [Convert.self, Validate.self, Bulk.self, Inspect.self, Events.self, Generate.self, Respond.self, FHIRPathCommand.self, Pack.self, MapCommand.self, Share.self]
    )
}
