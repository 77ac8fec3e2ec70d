import Foundation
import FHIRModel
import FHIRMapping
import FuzzSupport

/// The FHIR Mapping Language over any text: the parser (errors with line:column, never a crash);
/// a map that parses without error is written as a StructureMap resource and read back, which must
/// give the same resource again (a difference is a crash), its references are resolved, and it is
/// run on a small Patient.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFML(_ input: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = input else { return 0 }
    let parsed = FMLParser.parse(FuzzSupport.text(bytes, count))
    guard !parsed.issues.contains(where: { $0.severity >= .error }) else { return 0 }
    let resource = StructureMapResource.element(of: parsed.map)
    guard let again = try? StructureMapResource.map(from: resource) else { fatalError("a parsed map's resource does not read back") }
    if StructureMapResource.element(of: again) != resource { fatalError("a map changed through its StructureMap resource") }
    var library = MapLibrary()
    library.add(parsed.map)
    _ = MapReferenceCheck.check(parsed.map, library: library)
    let engine = MappingEngine(library: library, sourceTypes: nil, targetTypes: nil, fhirPathPack: FuzzSupport.converter.pack)
    _ = try? engine.transform(FuzzSupport.patient, mapURL: parsed.map.url)
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver with this target.
@_cdecl("FuzzFML_main")
public func fuzzFMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzSupport.run(argc, argv, fuzzFML)
}
