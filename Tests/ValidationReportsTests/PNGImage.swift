import Foundation
import ZIPFoundation

/// Just enough of a PNG decoder to look at a screenshot: 8-bit RGB or RGBA, not interlaced.
struct PNGImage {
    struct DecodeError: Error, CustomStringConvertible {
        var description: String
    }

    let width: Int
    let height: Int
    /// 3 (RGB) or 4 (RGBA) bytes per pixel.
    let channels: Int
    /// Unfiltered rows, `width * channels` bytes each.
    let pixels: [UInt8]

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Width and height from the IHDR chunk, without decoding anything else.
    static func size(_ bytes: [UInt8]) throws -> (width: Int, height: Int) {
        guard bytes.count > 33, Array(bytes[0..<8]) == signature else { throw DecodeError(description: "no PNG signature") }
        guard String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR" else { throw DecodeError(description: "IHDR is not first") }
        return (Int(be32(bytes, 16)), Int(be32(bytes, 20)))
    }

    init(_ bytes: [UInt8]) throws {
        (width, height) = try Self.size(bytes)
        let depth = bytes[24], colourType = bytes[25], interlace = bytes[28]
        guard depth == 8, colourType == 2 || colourType == 6, interlace == 0 else {
            throw DecodeError(description: "unsupported PNG: depth \(depth), colour type \(colourType), interlace \(interlace)")
        }
        channels = colourType == 2 ? 3 : 4
        var compressed = Data()
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = Int(Self.be32(bytes, offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard offset + 12 + length <= bytes.count else { throw DecodeError(description: "truncated \(type) chunk") }
            if type == "IDAT" { compressed.append(contentsOf: bytes[(offset + 8)..<(offset + 8 + length)]) }
            if type == "IEND" { break }
            offset += 12 + length
        }
        // A zlib stream: two header bytes, then raw deflate (the Adler-32 at the end is not checked).
        guard compressed.count > 2 else { throw DecodeError(description: "no image data") }
        let raw = try Self.inflate(compressed.dropFirst(2))
        let stride = width * channels
        guard raw.count == height * (stride + 1) else {
            throw DecodeError(description: "\(raw.count) bytes of image data for \(width)x\(height)")
        }
        pixels = try Self.unfiltered(raw, height: height, stride: stride, bytesPerPixel: channels)
    }

    /// How many pixels have exactly this colour (alpha ignored).
    func count(red: UInt8, green: UInt8, blue: UInt8) -> Int {
        pixels.withUnsafeBufferPointer { p in
            var n = 0
            var i = 0
            while i < p.count {
                if p[i] == red, p[i + 1] == green, p[i + 2] == blue { n += 1 }
                i += channels
            }
            return n
        }
    }

    private static func be32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }

    /// Raw deflate through ZIPFoundation. Its Linux decoder reads whole chunks of the size it asks
    /// for, so the last chunk is padded with zeros; asking past the end means the stream is cut.
    private static func inflate(_ data: Data) throws -> [UInt8] {
        let data = Data(data)
        var out: [UInt8] = []
        let chunk = 1 << 16
        _ = try Data.decompress(size: Int64(data.count), bufferSize: chunk, skipCRC32: true, provider: { position, size in
            let start = Int(position)
            guard start < data.count else { throw DecodeError(description: "deflate stream is cut") }
            var part = data.subdata(in: start..<min(data.count, start + size))
            if part.count < size { part.append(Data(count: size - part.count)) }
            return part
        }, consumer: { out.append(contentsOf: $0) })
        return out
    }

    /// Undoes the PNG row filters (None, Sub, Up, Average, Paeth).
    private static func unfiltered(_ raw: [UInt8], height: Int, stride: Int, bytesPerPixel bpp: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: height * stride)
        // Unsafe buffers: a debug build would otherwise spend seconds on a screenshot.
        try raw.withUnsafeBufferPointer { raw in
            try out.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let filter = raw[y * (stride + 1)]
                    guard filter <= 4 else { throw DecodeError(description: "unknown filter \(filter) on row \(y)") }
                    let src = y * (stride + 1) + 1, row = y * stride, prev = row - stride
                    for x in 0..<stride {
                        let a = x >= bpp ? Int(out[row + x - bpp]) : 0
                        let b = y > 0 ? Int(out[prev + x]) : 0
                        let predictor: Int
                        switch filter {
                        case 0: predictor = 0
                        case 1: predictor = a
                        case 2: predictor = b
                        case 3: predictor = (a + b) / 2
                        default:
                            let c = x >= bpp && y > 0 ? Int(out[prev + x - bpp]) : 0
                            let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                            predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                        }
                        out[row + x] = UInt8(truncatingIfNeeded: Int(raw[src + x]) + predictor)
                    }
                }
            }
        }
        return out
    }
}
