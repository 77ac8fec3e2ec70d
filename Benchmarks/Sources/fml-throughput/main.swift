import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRJSON
import FHIRMapping

// Prints the FHIR Mapping Language engine's figures for the README (CPU seconds, one core):
// the official cross-version maps parsed per second, and resources per second through the
// official R3toR4 maps (Patient and AllergyIntolerance, typed by the shipped STU3 pack).
// Usage: fml-throughput [seconds-per-measurement]   (needs ../shared)
let seconds = Double(CommandLine.arguments.dropFirst().first ?? "3") ?? 3
let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
let root = shared.appendingPathComponent("fhir-cross-version")

func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func measure(_ name: String, items: Int, unit: String, _ body: () throws -> Void) rethrows {
    try body()
    var rounds = 0
    let start = cpuSeconds()
    repeat { try body(); rounds += 1 } while cpuSeconds() - start < seconds
    let rate = Double(rounds * items) / (cpuSeconds() - start)
    print(name.padding(toLength: 36, withPad: " ", startingAt: 0) + String(format: "%8.0f ", rate) + unit + "/s")
}

var texts: [String] = []
var bytes = 0
for folder in ["R3toR4", "R4toR3"] {
    let dir = root.appendingPathComponent(folder)
    for file in try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil) where file.pathExtension == "fml" {
        let text = try String(contentsOf: file, encoding: .utf8)
        texts.append(text)
        bytes += text.utf8.count
    }
}
measure("parse official .fml (\(texts.count) files)", items: texts.count, unit: "files") {
    for t in texts { precondition(FMLParser.parse(t).issues.isEmpty) }
}
print(String(format: "  (%.1f MB of FML)", Double(bytes) / 1e6))

var library = MapLibrary()
let loadStart = cpuSeconds()
let dir = root.appendingPathComponent("R3toR4")
for file in try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil) where file.pathExtension == "fml" {
    library.add(FMLParser.parse(try String(contentsOf: file, encoding: .utf8)).map)
}
for file in try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent("codes"), includingPropertiesForKeys: nil)
where file.pathExtension == "json" {
    library.add(conceptMap: try FHIRJSONReader().read(contentsOf: file).root)
}
print("load R3toR4 maps + ConceptMaps".padding(toLength: 36, withPad: " ", startingAt: 0)
      + String(format: "%8.0f ms", (cpuSeconds() - loadStart) * 1000))

let pack = try DefinitionPack.shipped()
let types = DefinitionPackTypes(pack: pack)
let engine = MappingEngine(library: library, sourceTypes: types, targetTypes: types, fhirPathPack: pack)
let patient = try FHIRJSONReader().read("""
    {"resourceType": "Patient", "id": "p1",
     "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000000009"}],
     "name": [{"use": "official", "family": "Smith", "given": ["Ann", "Beth"]}],
     "gender": "female", "birthDate": "2019-03-04",
     "address": [{"line": ["1 High St"], "postalCode": "LS1 1AA"}], "multipleBirthInteger": 2}
    """).root
let allergy = try FHIRJSONReader().read("""
    {"resourceType": "AllergyIntolerance", "id": "a1",
     "identifier": [{"system": "https://example.org/ids", "value": "123"}],
     "clinicalStatus": "active", "verificationStatus": "confirmed", "type": "allergy", "category": ["food"],
     "code": {"coding": [{"system": "http://snomed.info/sct", "code": "91935009", "display": "Allergy to peanuts"}]},
     "patient": {"reference": "Patient/p1"}, "onsetDateTime": "2019-03-04", "assertedDate": "2019-03-05T10:00:00Z",
     "reaction": [{"manifestation": [{"text": "Hives"}], "severity": "severe"}]}
    """).root
let xver = "http://hl7.org/fhir/uv/xver/StructureMap/"
try measure("R3toR4 Patient", items: 1, unit: "resources") { _ = try engine.transform(patient, mapURL: xver + "Patient3to4") }
try measure("R3toR4 AllergyIntolerance", items: 1, unit: "resources") { _ = try engine.transform(allergy, mapURL: xver + "AllergyIntolerance3to4") }
