import FHIRJSON
import FuzzSupport

/// The FHIR JSON reader over any bytes: a tree or its issues, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONReader(_ input: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = input else { return 0 }
    _ = try? FHIRJSONReader().read(FuzzSupport.data(bytes, count))
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver with this target.
@_cdecl("FuzzJSONReader_main")
public func fuzzJSONReaderMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzSupport.run(argc, argv, fuzzJSONReader)
}
