import Foundation
import MessageStreams
import FuzzSupport

/// The message framer over any bytes, fed in chunks of every size the first byte picks: the
/// messages it finds must be the same whatever the chunking (a difference is a crash).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFramer(_ input: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes = input else { return 0 }
    guard count > 1 else { return 0 }
    let data = FuzzSupport.data(bytes + 1, count - 1)
    let chunk = Int(bytes[0] % 17) + 1
    let whole = frames(data, chunk: data.count)
    if frames(data, chunk: chunk) != whole { fatalError("framing depends on the chunk size") }
    return 0
}

private func frames(_ data: Data, chunk: Int) -> [String] {
    var found: [String] = []
    var stream = MessageStream(source: ChunkedSource(data, chunk: chunk), maximumMessageBytes: 1 << 20)
    while let item = stream.next() {
        guard case .message(let message) = item else { break }
        let framed = message.framed
        switch framed.content {
        case .bytes(let bytes): found.append("\(framed.index)@\(framed.offset) \(framed.line):\(framed.column) \(bytes.count) \(Array(bytes).hashValue)")
        case .tooLarge(let n): found.append("\(framed.index)@\(framed.offset) too large \(n)")
        }
    }
    return found
}

/// A byte source that hands out at most `chunk` bytes per read.
private struct ChunkedSource: ByteSource {
    let data: Data
    let chunk: Int
    var offset = 0
    init(_ data: Data, chunk: Int) { self.data = data; self.chunk = chunk }
    mutating func read(into buffer: inout [UInt8]) throws -> Int {
        let n = min(chunk, buffer.count, data.count - offset)
        guard n > 0 else { return 0 }
        for i in 0..<n { buffer[i] = data[data.startIndex + offset + i] }
        offset += n
        return n
    }
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver with this target.
@_cdecl("FuzzFramer_main")
public func fuzzFramerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzSupport.run(argc, argv, fuzzFramer)
}
