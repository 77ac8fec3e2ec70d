import Foundation
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

    /// The shipped event catalogue (`Schemas/events.json`).
    public static let events: EventCatalogue = {
        do {
            return try EventCatalogue.shipped()
        } catch {
            fatalError("the event catalogue cannot be opened: \(error)")
        }
    }()
}
