import Foundation
import FHIRModel
import FHIRConversion
import FuzzSupport

/// Conversion both ways (the direct JSON -> XML path and the tree paths). What converts must
/// convert back, and the second conversion must reproduce the first output (losslessness on
/// whatever the fuzzer finds): a difference is a crash, so libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConvert(_ input: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = input else { return 0 }
    let data = FuzzSupport.data(bytes, count)
    let converter = FuzzSupport.converter
    guard let format = MessageFormat.detect(data),
          let first = try? converter.convert(data, from: format, to: format == .xml ? .json : .xml, pretty: false),
          first.issues.allSatisfy({ $0.severity < .error }) else { return 0 }
    let other: MessageFormat = format == .xml ? .json : .xml
    guard let back = try? converter.convert(Data(first.bytes), from: other, to: format, pretty: false),
          let again = try? converter.convert(Data(back.bytes), from: format, to: other, pretty: false) else {
        fatalError("converted output does not convert back")
    }
    if again.bytes != first.bytes { fatalError("a round trip changed the output") }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver with this target.
@_cdecl("FuzzConvert_main")
public func fuzzConvertMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzSupport.run(argc, argv, fuzzConvert)
}
