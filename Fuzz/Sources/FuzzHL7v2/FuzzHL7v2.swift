import Foundation
import HL7v2
import EventMapping
import FuzzSupport

/// The mapper over the shipped `hl7v2` mapping files, made once (it caches parsed selectors).
private let mapper: HL7v2EventMapper = {
    do {
        return HL7v2EventMapper(engine: try EventMappingEngine(kind: "hl7v2", pack: FuzzSupport.converter.pack,
                                                               events: FuzzSupport.events))
    } catch {
        fatalError("the hl7v2 mappings cannot be loaded: \(error)")
    }
}()

/// The HL7 v2 reader (MLLP frames, batches, escapes, character sets) and the v2 -> event mapping
/// over any bytes, then the ACK of each message and the writer on what was read: results and
/// issues, never a crash or a hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHL7v2(_ input: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = input else { return 0 }
    let parsed = HL7v2Parser().parse(FuzzSupport.array(bytes, count))
    let acknowledger = HL7v2Acknowledger(time: Date(timeIntervalSince1970: 0))
    for message in parsed.messages {
        let mapped = mapper.map(message, input: "fuzz")
        _ = acknowledger.acknowledgement(of: message, errors: mapped.acknowledgementErrors)
        _ = HL7v2Writer().write(message)
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver with this target.
@_cdecl("FuzzHL7v2_main")
public func fuzzHL7v2Main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzSupport.run(argc, argv, fuzzHL7v2)
}
