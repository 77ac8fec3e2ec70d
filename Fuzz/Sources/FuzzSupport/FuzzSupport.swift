import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import ChildHealthEvents
import CFuzzDriver

/// What every fuzz target shares: the input as `Data`, and the shipped definitions, opened once.
public enum FuzzSupport {
    /// The fuzzer's bytes, copied (the buffer is only lent for the call).
    public static func data(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Data {
        Data(bytes: bytes, count: count)
    }

    /// The fuzzer's bytes as an array (copied, as ``data(_:_:)``).
    public static func array(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// The fuzzer's bytes as text, invalid UTF-8 repaired (the parsers of text formats take a String).
    public static func text(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Runs libFuzzer with `target` (each target's `<Target>_main`, the name SwiftPM gives an
    /// executable's entry point, calls this).
    public static func run(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                           _ target: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments, target)
    }

    /// The shipped pack and a converter over it; a fuzz target cannot run without them.
    public static let converter: Converter = {
        do {
            return try Converter()
        } catch {
            fatalError("the definition pack cannot be opened: \(error)")
        }
    }()

    /// A small Patient that expressions and maps run on when the input brings no resource.
    public static let patient: Element = {
        let json = #"{"resourceType":"Patient","id":"p1","active":true,"gender":"female","birthDate":"2020-01-02","# +
            #""name":[{"family":"Smith","given":["Ann","B"]}],"address":[{"postalCode":"LS1 4AP","line":["1 Road"]}],"# +
            #""identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000009"}]}"#
        guard let root = try? converter.read(Data(json.utf8)).root else { fatalError("the fallback patient does not read") }
        return root
    }()

    /// The shipped event catalogue (`Schemas/events.json`).
    public static let events: EventCatalogue = {
        do {
            return try EventCatalogue.shipped()
        } catch {
            fatalError("the event catalogue cannot be opened: \(error)")
        }
    }()
}
