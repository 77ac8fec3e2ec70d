import ArgumentParser
import Foundation
import FHIRDefinitionImport
import FHIRDefinitions
import ChildHealthEvents
import FHIRValidation

/// `dch pack build`: regenerates the definition pack from the official definition files.
struct Pack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Work with the definition pack (\(DefinitionPackLayout.packageFolder)).",
        subcommands: [Build.self]
    )

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Regenerate the definition pack, event catalogue and precompiled profiles from the FHIR STU3 and NHS definition files and spec/events.json, the pack's R4 part (r4/) from the R4 core package and UK Core, and the STU3 <-> R4 maps (maps/).")

        @Option(name: .long, help: "The shared folder holding fhir-stu3/, fhir-r4/ and corpus/.")
        var shared: String = "../shared"

        @Option(name: [.short, .long], help: "Output folder of the pack.")
        var output: String = DefinitionPackLayout.packageFolder

        @Flag(name: .long, help: "List every definition that was left out, and why.")
        var verbose = false

        func run() throws {
            let importer = DefinitionImporter(sharedRoot: URL(fileURLWithPath: shared))
            let (writer, report) = try runReportingIssues { try importer.run() }
            try runReportingIssues { try writer.write(to: URL(fileURLWithPath: output)) }
            // The event catalogue ships beside the pack, from a transcript of the DCH and NEMS event pages and the
            // event code systems of the pack just written.
            let events = try runReportingIssues {
                try EventCatalogueImporter.catalogueFile(sharedRoot: URL(fileURLWithPath: shared),
                                                         pack: DefinitionPack(directory: URL(fileURLWithPath: output)))
            }
            try writeAtomically(Array(events), to: URL(fileURLWithPath: output).appendingPathComponent(EventCatalogue.fileName).path)
            // Every profile compiled once here, from the records just written, so runs read them instead of compiling.
            let profiles = try runReportingIssues {
                try PrecompiledProfileFile.render(pack: DefinitionPack(directory: URL(fileURLWithPath: output)))
            }
            try writeAtomically(profiles, to: URL(fileURLWithPath: output).appendingPathComponent(PrecompiledProfileFile.fileName).path)
            if verbose { report.notes.forEach { printError($0) } }
            summarise(report, folder: output)
            // The R4 part: a pack of its own in r4/, loaded only when R4 is asked for.
            let r4Folder = URL(fileURLWithPath: output).appendingPathComponent(DefinitionPackLayout.r4Folder)
            let r4Importer = DefinitionImporter(sharedRoot: URL(fileURLWithPath: shared), sources: DefinitionImporter.r4Sources)
            let (r4Writer, r4Report) = try runReportingIssues { try r4Importer.run() }
            try runReportingIssues { try r4Writer.write(to: r4Folder) }
            if verbose { r4Report.notes.forEach { printError($0) } }
            summarise(r4Report, folder: r4Folder.path)
            // The STU3 <-> R4 maps (official HL7 maps with dch's fixes, NHS England's profile map): read by `dch map` only.
            let maps = ReleaseMapImporter(sharedRoot: URL(fileURLWithPath: shared))
            try runReportingIssues { try maps.write(toPack: URL(fileURLWithPath: output)) }
            printError("maps written to \(output)/\(ReleaseMapImporter.folderName): \(maps.fixes.count) fixes applied to the official maps")
        }

        private func summarise(_ report: DefinitionImporter.Report, folder: String) {
            printError("pack written to \(folder): \(report.structures) StructureDefinitions, "
                + "\(report.valueSets) ValueSets, \(report.codeSystems) CodeSystems from \(report.filesRead) files; "
                + "\(report.notes.count) left out\(verbose ? "" : " (--verbose lists them)")")
        }
    }
}
