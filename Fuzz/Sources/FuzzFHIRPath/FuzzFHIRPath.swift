import Foundation
import FHIRModel
import FHIRPath
import FuzzSupport

/// The FHIRPath parser and evaluator: a value or an error value, never a crash (a new engine per
/// input, so that its cache of compiled expressions does not grow without end). The first line
/// of the input is the expression when the rest is a message; otherwise the whole input is the
/// expression, evaluated on a small Patient.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFHIRPath(_ input: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = input else { return 0 }
    let data = FuzzSupport.data(bytes, count)
    var expression = String(decoding: data, as: UTF8.self)
    var root = FuzzSupport.patient
    if let newline = data.firstIndex(of: 0x0A),
       let message = try? FuzzSupport.converter.read(data[(newline + 1)...]).root {
        expression = String(decoding: data[..<newline], as: UTF8.self)
        root = message
    }
    let engine = FHIRPathEngine(pack: FuzzSupport.converter.pack)
    if case .success(let compiled) = engine.compile(expression) {
        _ = try? engine.evaluate(compiled, onResource: root)
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver with this target.
@_cdecl("FuzzFHIRPath_main")
public func fuzzFHIRPathMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzSupport.run(argc, argv, fuzzFHIRPath)
}
