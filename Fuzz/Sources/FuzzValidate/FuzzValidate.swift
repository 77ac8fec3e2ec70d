import FHIRModel
import MessageChecking
import FuzzSupport

private let checker: MessageChecker = {
    do { return try MessageChecker() } catch { fatalError("cannot make the checker: \(error)") }
}()

/// Every validation layer and the event rules over any bytes: a report, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValidate(_ input: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = input else { return 0 }
    _ = checker.check(FuzzSupport.data(bytes, count), name: "fuzz")
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver with this target.
@_cdecl("FuzzValidate_main")
public func fuzzValidateMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzSupport.run(argc, argv, fuzzValidate)
}
