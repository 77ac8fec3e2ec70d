import Foundation
import FHIRModel
import FHIRPath
import FuzzSupport

/// A message to evaluate on: the first line of the input is the expression when the rest is a
/// message; otherwise the whole input is the expression, evaluated on a fixed small message.
private let fallback: Element = {
    let json = #"{"resourceType":"Patient","id":"p1","birthDate":"2020-01-02","name":[{"family":"Smith","given":["Ann","B"]}],"# +
        #""identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000009"}]}"#
    guard let root = try? FuzzSupport.converter.read(Data(json.utf8)).root else { fatalError("the fallback message does not read") }
    return root
}()

/// The FHIRPath parser and evaluator: a value or an error value, never a crash (a new engine per
/// input, so that its cache of compiled expressions does not grow without end).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFHIRPath(_ input: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = input else { return 0 }
    let data = FuzzSupport.data(bytes, count)
    var expression = String(decoding: data, as: UTF8.self)
    var root = fallback
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
