import XCTest
import Foundation
import Synchronization
import FHIRModel
import FHIRDefinitions
@testable import FHIRValidation
import DCHTestSupport

/// The pack's precompiled profiles (`Schemas/compiled-profiles.bin`): what `dch pack build` writes
/// from the shipped records, and, profile by profile, what ``ProfileCompiler`` builds from them.
final class PrecompiledProfilesTests: XCTestCase {
    /// One compilation of every profile of the shipped pack serves both checks (it is the slow part).
    func testShippedFileIsTheRenderingAndEveryProfileEqualsItsCompilation() throws {
        let pack = try SharedCorpus.definitionPack()
        let shipped = try Data(contentsOf: pack.directory.appendingPathComponent(PrecompiledProfileFile.fileName))
        let compiled = try PrecompiledProfileFile.compileAll(pack)
        XCTAssertGreaterThan(compiled.count, 1_000, "every StructureDefinition of the pack compiles")
        XCTAssertTrue(PrecompiledProfileFile.render(compiled).elementsEqual(shipped),
                      "Schemas/\(PrecompiledProfileFile.fileName) is not what the records compile to; run scripts/regenerate-pack")

        let file = PrecompiledProfiles(pack: pack)
        XCTAssertFalse(file.isEmpty)
        var wholeNodes = 0, stubs = 0
        for c in compiled {
            let read = try XCTUnwrap(file.profile(url: c.url, record: c.record), c.url)
            XCTAssertEqual(read.url, c.profile.url)
            XCTAssertEqual(read.name, c.profile.name)
            XCTAssertEqual(read.type, c.profile.type)
            var differences: [String] = []
            Self.compare(read.root, c.profile.root, whole: true, at: c.url, into: &differences, whole: &wholeNodes, stubs: &stubs)
            XCTAssertEqual(differences, [], c.url)
        }
        XCTAssertGreaterThan(wholeNodes, 0)
        XCTAssertGreaterThan(stubs, 0)
    }

    /// A profile the file holds for another record (the pack regenerated without it) is not read.
    func testAStaleOrMissingProfileIsLeftToTheCompiler() throws {
        let pack = try SharedCorpus.definitionPack()
        let file = PrecompiledProfiles(pack: pack)
        let url = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1"
        let entry = try XCTUnwrap(pack.structureEntry(url: url))
        XCTAssertNotNil(file.profile(url: url, record: entry))
        var moved = entry
        moved.length += 1
        XCTAssertNil(file.profile(url: url, record: moved), "a record of another length is another record")
        XCTAssertNil(file.profile(url: url + "-none", record: entry))

        // A pack folder without the file: the cache compiles from the records, to the same tree.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-precompiled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in try FileManager.default.contentsOfDirectory(atPath: pack.directory.path)
        where name != PrecompiledProfileFile.fileName && !name.hasSuffix(".swift") {
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(name),
                                                       withDestinationURL: pack.directory.appendingPathComponent(name))
        }
        let bare = try DefinitionPack(directory: folder)
        XCTAssertTrue(PrecompiledProfiles(pack: bare).isEmpty)
        let fromRecords = try XCTUnwrap(ProfileCache(pack: bare).profile(url))
        let fromFile = try XCTUnwrap(ProfileCache(pack: pack).profile(url))
        var differences: [String] = []
        var w = 0, s = 0
        Self.compare(fromFile.root, fromRecords.root, whole: true, at: url, into: &differences, whole: &w, stubs: &s)
        XCTAssertEqual(differences, [])

        // A damaged file is not read either.
        try Data("# dch compiled profiles v0\n".utf8).write(to: folder.appendingPathComponent(PrecompiledProfileFile.fileName))
        XCTAssertTrue(PrecompiledProfiles(pack: try DefinitionPack(directory: folder)).isEmpty)
    }

    /// Threads asking for one profile at once get one object, built once.
    func testConcurrentAskersShareOneBuild() throws {
        let pack = try SharedCorpus.definitionPack()
        for precompiled in [true, false] {
            let cache = ProfileCache(pack: pack, precompiled: precompiled)
            let url = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-APGARScore-Observation-1"
            let found = Mutex([ObjectIdentifier?](repeating: nil, count: 8))
            DispatchQueue.concurrentPerform(iterations: 8) { i in
                let id = (try? cache.profile(i % 2 == 0 ? url : url + "|1.0.0")).flatMap { $0 }.map(ObjectIdentifier.init)
                found.withLock { $0[i] = id }
            }
            let results = found.withLock { $0 }
            XCTAssertNotNil(results[0])
            XCTAssertEqual(Set(results).count, 1, "precompiled: \(precompiled)")
        }
    }

    // MARK: - Comparing trees

    /// Every field the walk reads. A whole node (one ``ProfileCompiler/finish(_:pack:)`` reaches)
    /// must match in all of them; a stub (a child that adds nothing to the base, never walked) in
    /// what matching an instance child by name reads.
    static func compare(_ a: ProfileNode, _ b: ProfileNode, whole: Bool, at path: String, into differences: inout [String],
                        whole wholeCount: inout Int, stubs: inout Int) {
        let here = path + " > " + b.id
        func same<T: Equatable>(_ x: T, _ y: T, _ field: String) {
            if x != y { differences.append("\(here): \(field) \(x) != \(y)") }
        }
        same(a.id, b.id, "id")
        same(a.name, b.name, "name")
        same(a.choicePrefix, b.choicePrefix, "choicePrefix")
        same(a.matters, b.matters, "matters")
        same(a.isXMLAttribute, b.isXMLAttribute, "isXMLAttribute")
        same(a.record.path, b.record.path, "path")
        guard whole else {
            stubs += 1
            same(a.children.count, 0, "a stub's children")
            return
        }
        wholeCount += 1
        same(a.record, b.record, "record")
        same(a.typeCodes, b.typeCodes, "typeCodes")
        same(a.bindingMatters, b.bindingMatters, "bindingMatters")
        same(a.fixed.map(FixedValue.init), b.fixed.map(FixedValue.init), "fixed")
        same(a.pattern.map(FixedValue.init), b.pattern.map(FixedValue.init), "pattern")
        same(a.targetProfiles, b.targetProfiles, "targetProfiles")
        same(a.typeProfile, b.typeProfile, "typeProfile")
        same(a.extensionURL, b.extensionURL, "extensionURL")
        same(a.repeats, b.repeats, "repeats")
        same(a.max, b.max, "max")
        same(a.matteringChildren, b.matteringChildren, "matteringChildren")
        same(a.checkedBinding, b.checkedBinding, "checkedBinding")
        same(a.bindingConflict, b.bindingConflict, "bindingConflict")
        same(a.variantNames, b.variantNames, "variantNames")
        same(a.discriminatorPaths, b.discriminatorPaths, "discriminatorPaths")
        same(a.discriminatorSteps, b.discriminatorSteps, "discriminatorSteps")
        same(a.discriminatorChoices, b.discriminatorChoices, "discriminatorChoices")
        same(a.slicingRules, b.slicingRules, "slicingRules")
        same(a.slicingOrdered, b.slicingOrdered, "slicingOrdered")
        same(a.unevaluableSlicing, b.unevaluableSlicing, "unevaluableSlicing")
        same(a.slicesByURL.map { $0.map { "\($0.url) \($0.slice)" } }, b.slicesByURL.map { $0.map { "\($0.url) \($0.slice)" } }, "slicesByURL")
        same(a.ambiguousNames, b.ambiguousNames, "ambiguousNames")
        same(a.scansNames, b.scansNames, "scansNames")
        same(a.checks.rawValue, b.checks.rawValue, "checks")
        same(a.hasRequiredSlice, b.hasRequiredSlice, "hasRequiredSlice")
        same(a.sliceKeys.map { $0.map(describe) }, b.sliceKeys.map { $0.map(describe) }, "sliceKeys")
        // The name lookup the walk makes for every instance child, over every child's name and a stranger's.
        for name in b.children.map(\.name) + b.variantNames + ["valueString", "extension", "unknownElement"] {
            same(a.childIndex(of: name), b.childIndex(of: name), "childIndex(\(name))")
        }
        same(a.children.count, b.children.count, "children")
        same(a.slices.count, b.slices.count, "slices")
        for (x, y) in zip(a.children, b.children) {
            compare(x, y, whole: y.matters, at: path, into: &differences, whole: &wholeCount, stubs: &stubs)
        }
        for (x, y) in zip(a.slices, b.slices) {
            compare(x, y, whole: true, at: path, into: &differences, whole: &wholeCount, stubs: &stubs)
        }
    }

    static func describe(_ key: SliceKey) -> String {
        switch key {
        case let .value(e): "value \(FixedValue(e))"
        case let .pattern(e): "pattern \(FixedValue(e))"
        case let .types(t): "types \(t)"
        case let .profiles(p): "profiles \(p)"
        case let .valueSet(v): "valueSet \(v)"
        case let .exists(f): "exists \(f)"
        case let .unknown(why): "unknown \(why)"
        }
    }
}

/// The suffix a type code gives its choice variants (`value[x]` + `dateTime` = `valueDateTime`).
final class ChoiceVariantNameTests: XCTestCase {
    func testTypeCodesCapitalised() {
        XCTAssertEqual(ProfileNode.capitalized("dateTime"), "DateTime")
        XCTAssertEqual(ProfileNode.capitalized("string"), "String")
        XCTAssertEqual(ProfileNode.capitalized("CodeableConcept"), "CodeableConcept")
        XCTAssertEqual(ProfileNode.capitalized("x"), "X")
        XCTAssertEqual(ProfileNode.capitalized("1x"), "1x")
        XCTAssertEqual(ProfileNode.capitalized(""), "")
        XCTAssertEqual(ProfileNode.capitalized("élan"), "Élan", "beyond ASCII, Unicode's case mapping")
        XCTAssertEqual(ProfileNode.capitalized("e\u{301}x"), "E\u{301}x", "a combining mark stays with its letter")
    }
}
