import Foundation
import EventMapping
import FuzzSupport

/// The engine over the shipped `csv` mapping files, made once.
private let engine: EventMappingEngine = {
    do {
        return try EventMappingEngine(kind: "csv", pack: FuzzSupport.converter.pack, events: FuzzSupport.events)
    } catch {
        fatalError("the csv mappings cannot be loaded: \(error)")
    }
}()

/// CSV rows -> event messages, as `dch map` runs them: the CSV reader over any bytes, each row's
/// `event_code` picking its mapping, the row mapped to a message, and that message mapped back
/// to a row and written as CSV. Errors are values; a crash or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVEvents(_ input: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = input, let rows = try? CSVRowReader(data: FuzzSupport.data(bytes, count), name: "fuzz.csv") else { return 0 }
    for row in rows {
        guard let code = row.value(at: "event_code")?.text,
              let mapping = engine.mappings.mapping(eventCode: code, system: nil),
              let mapped = try? engine.message(from: row, mapping: mapping) else { continue }
        if let again = try? engine.record(of: mapped.message, mapping: mapping, location: row.location) {
            _ = CSVRowEncoder.encode(again)
        }
    }
    _ = rows.error
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver with this target.
@_cdecl("FuzzCSVEvents_main")
public func fuzzCSVEventsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzSupport.run(argc, argv, fuzzCSVEvents)
}
