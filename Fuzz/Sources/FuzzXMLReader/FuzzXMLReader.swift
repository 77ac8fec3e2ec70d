import FHIRXML
import FuzzSupport

/// The FHIR XML reader over any bytes: it must return a tree or throw its issues, never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXMLReader(_ input: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = input else { return 0 }
    _ = try? FHIRXMLReader().read(FuzzSupport.data(bytes, count))
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver with this target.
@_cdecl("FuzzXMLReader_main")
public func fuzzXMLReaderMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzSupport.run(argc, argv, fuzzXMLReader)
}
