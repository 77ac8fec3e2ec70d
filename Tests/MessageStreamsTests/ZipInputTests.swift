import Foundation
import XCTest
import DCHTestSupport
@testable import MessageStreams

/// ZipInput over archives that python3's zipfile writes (stored and deflated entries, folders,
/// data descriptors, zip64 by entry count, one large entry), and over archives zipfile itself
/// rejects, which must fail entry by entry with a reason.
final class ZipInputTests: XCTestCase {
    /// One entry for python to write: its bytes, or a folder.
    private struct Spec: Encodable {
        var name: String
        var text: String? = nil
        var file: String? = nil
        var stored = false
        var folder = false
    }

    /// Writes the entries with zipfile; `streamed` makes zipfile write to an unseekable file,
    /// so that every entry's sizes follow its data (a data descriptor). Returns zipfile's own
    /// listing: name, local header offset, compressed size.
    @discardableResult
    private func pythonZip(_ entries: [Spec], to zip: URL, streamed: Bool = false) throws -> [(name: String, offset: Int, compressedSize: Int)] {
        let spec = zip.appendingPathExtension("json")
        try JSONEncoder().encode(entries).write(to: spec)
        let script = """
        import json, sys, zipfile
        entries = json.load(open(sys.argv[1]))
        class Unseekable:
            def __init__(self, f): self.f = f
            def write(self, b): return self.f.write(b)
            def flush(self): self.f.flush()
            def close(self): self.f.close()
        f = open(sys.argv[2], "wb")
        with zipfile.ZipFile(Unseekable(f) if sys.argv[3] == "1" else f, "w") as z:
            for e in entries:
                if e["folder"]:
                    z.writestr(zipfile.ZipInfo(e["name"] + "/"), b"")
                    continue
                data = open(e["file"], "rb").read() if e.get("file") else e["text"].encode()
                z.writestr(e["name"], data, compress_type=zipfile.ZIP_STORED if e["stored"] else zipfile.ZIP_DEFLATED)
        f.close()
        print(json.dumps([[i.filename, i.header_offset, i.compress_size] for i in zipfile.ZipFile(sys.argv[2]).infolist()]))
        """
        let out = try ArchiveOracles.python(script, [spec.path, zip.path, streamed ? "1" : "0"])
        let listing = try JSONSerialization.jsonObject(with: out) as? [[Any]] ?? []
        return listing.map { ($0[0] as? String ?? "", $0[1] as? Int ?? -1, $0[2] as? Int ?? -1) }
    }

    /// The non-folder entries of `zip`, each read through its source in chunks of `chunk` bytes.
    private func readEntries(_ zip: URL, chunk: Int = 1 << 16) throws -> [(entry: ZipEntry, bytes: [UInt8])] {
        let input = try ZipInput(path: zip.path)
        var result: [(ZipEntry, [UInt8])] = []
        while let entry = try input.nextEntry() {
            var source = entry.open()
            result.append((entry, try ArchiveOracles.readAll(&source, chunk: chunk)))
        }
        return result
    }

    func testReadsStoredAndDeflatedEntriesInArchiveOrder() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let large = ArchiveOracles.sampleText(8_000_000, seed: 9)
        let largeFile = folder.appendingPathComponent("large.ndjson")
        try Data(large).write(to: largeFile)
        let noiseFile = folder.appendingPathComponent("noise.bin")
        try Data(ArchiveOracles.noise(300_000)).write(to: noiseFile)
        let ndjson = "{\"resourceType\":\"Bundle\",\"id\":\"1\"}\n{\"resourceType\":\"Bundle\",\"id\":\"2\"}\n"
        let specs = [
            Spec(name: "inbox", folder: true),
            Spec(name: "inbox/first.xml", text: "<Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"1\"/></Bundle>"),
            Spec(name: "inbox/second.ndjson", text: ndjson, stored: true),
            Spec(name: "empty.json", text: ""),
            Spec(name: "größe/é.json", text: "{\"resourceType\":\"Patient\"}"),
            Spec(name: "nested.zip", file: noiseFile.path, stored: true),
            Spec(name: "deep/er/large.ndjson", file: largeFile.path),
        ]
        let expected: [(String, [UInt8], Bool)] = [
            ("inbox/first.xml", Array(specs[1].text!.utf8), true), ("inbox/second.ndjson", Array(ndjson.utf8), false),
            ("empty.json", [], true), ("größe/é.json", Array(specs[4].text!.utf8), true),
            ("nested.zip", ArchiveOracles.noise(300_000), false), ("deep/er/large.ndjson", large, true),
        ]
        for streamed in [false, true] {
            let archive = folder.appendingPathComponent("inbox-\(streamed).zip")
            try pythonZip(specs, to: archive, streamed: streamed)
            for chunk in [1000, 1 << 16] {
                let entries = try readEntries(archive, chunk: chunk)
                XCTAssertEqual(entries.map(\.entry.path), expected.map(\.0), "archive order, folders skipped (streamed: \(streamed))")
                for ((entry, bytes), (name, want, compressed)) in zip(entries, expected) {
                    XCTAssertTrue(bytes == want, "\(name): \(bytes.count) bytes read, \(want.count) written (streamed: \(streamed))")
                    XCTAssertEqual(entry.isCompressed, compressed, name)
                    XCTAssertEqual(entry.uncompressedSize, UInt64(want.count), name)
                    XCTAssertEqual(entry.sourceDescription, "zip entry \(name)")
                }
            }
            XCTAssertLessThan(try XCTUnwrap(try readEntries(archive).last).entry.compressedSize, UInt64(large.count / 2), "the large entry is deflated")
        }
        // The messages inside an entry frame as they would from a file.
        let input = try ZipInput(path: folder.appendingPathComponent("inbox-false.zip").path)
        _ = try input.nextEntry()
        let second = try XCTUnwrap(try input.nextEntry())
        let framed = MessageStream(source: second.open(), tellsSoleMessage: false).compactMap { item -> String? in
            guard case .message(let m) = item, case .bytes(let b) = m.framed.content else { return nil }
            return String(decoding: b, as: UTF8.self)
        }
        XCTAssertEqual(framed, ndjson.split(separator: "\n").map(String.init))
    }

    /// More than 65,535 entries: zipfile writes zip64 end records, whose count the reader must take.
    func testManyEntriesThroughZip64EndRecords() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let count = 70_000
        let specs = (0..<count).map { Spec(name: "m/\($0).json", text: "{\"id\":\"\($0)\"}", stored: $0 % 3 == 0) }
        let zip = folder.appendingPathComponent("many.zip")
        try pythonZip(specs, to: zip)
        let input = try ZipInput(path: zip.path)
        XCTAssertEqual(input.declaredEntryCount, UInt64(count))
        var n = 0
        while let entry = try input.nextEntry() {
            XCTAssertEqual(entry.path, "m/\(n).json")
            var source = entry.open()
            let bytes = try ArchiveOracles.readAll(&source, chunk: 4096)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "{\"id\":\"\(n)\"}")
            n += 1
        }
        XCTAssertEqual(n, count)
    }

    /// Damaged data in one entry (zipfile's testzip names it) fails that entry only.
    func testDamagedEntryFailsAloneAndTheOthersStillRead() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let texts = (1...3).map { String(decoding: ArchiveOracles.sampleText(40_000, seed: UInt64($0)), as: UTF8.self) }
        let zip = folder.appendingPathComponent("damaged.zip")
        let listing = try pythonZip(texts.enumerated().map { Spec(name: "e\($0.offset).ndjson", text: $0.element) }, to: zip)
        var bytes = try Data(contentsOf: zip)
        let middle = listing[1].offset + 30 + listing[1].name.utf8.count + listing[1].compressedSize / 2
        for i in middle ..< middle + 16 { bytes[i] ^= 0xA5 }
        try bytes.write(to: zip)
        let testzip = try ArchiveOracles.python("import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).testzip())", [zip.path])
        XCTAssertEqual(String(decoding: testzip, as: UTF8.self), "e1.ndjson\n", "zipfile finds the damage in e1")

        let input = try ZipInput(path: zip.path)
        for i in 0..<3 {
            let entry = try XCTUnwrap(try input.nextEntry())
            var source = entry.open()
            if i == 1 {
                XCTAssertThrowsError(try ArchiveOracles.readAll(&source)) { error in
                    let error = error as? ByteSourceError
                    XCTAssertEqual(error?.operation, "unzip")
                    XCTAssertTrue(error?.reason?.hasPrefix("zip entry e1.ndjson (in \(zip.path))") == true, error?.reason ?? "")
                }
            } else {
                XCTAssertEqual(String(decoding: try ArchiveOracles.readAll(&source), as: UTF8.self), texts[i])
            }
        }
        XCTAssertNil(try input.nextEntry())
    }

    /// A deflate stream that never reaches its end block: read as zipfile reads it when the
    /// archive's size and CRC-32 say every byte is there, rejected (as zipfile rejects it) when
    /// they say more should follow.
    func testDeflateDataWithoutItsEndBlock() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let text = String(repeating: "{\"resourceType\":\"Bundle\"}\n", count: 500)
        let script = """
        import sys, zlib, zipfile
        text = sys.argv[2].encode()
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        partial = c.compress(text) + c.flush(zlib.Z_SYNC_FLUSH)   # no end block
        size = len(text) + int(sys.argv[3])                         # what the records declare
        with zipfile.ZipFile(sys.argv[1], "w") as z:
            z.writestr("partial.ndjson", partial, compress_type=zipfile.ZIP_STORED)
        data = bytearray(open(sys.argv[1], "rb").read())
        central = data.rfind(b"PK\\x01\\x02")
        for header, at in ((0, 8), (central, 10)):                  # method: deflated; CRC-32; size
            data[header + at : header + at + 2] = (8).to_bytes(2, "little")
            data[header + at + 6 : header + at + 10] = zlib.crc32(text + b"x" * (size - len(text))).to_bytes(4, "little")
            data[header + at + 14 : header + at + 18] = size.to_bytes(4, "little")
        open(sys.argv[1], "wb").write(data)
        try:
            print(zipfile.ZipFile(sys.argv[1]).read("partial.ndjson") == text)
        except zipfile.BadZipFile as e:
            print("BadZipFile")
        """
        for missing in [0, 10] {
            let zip = folder.appendingPathComponent("partial-\(missing).zip")
            let verdict = String(decoding: try ArchiveOracles.python(script, [zip.path, text, String(missing)]), as: UTF8.self)
            let entry = try XCTUnwrap(try ZipInput(path: zip.path).nextEntry())
            var source = entry.open()
            if missing == 0 {
                XCTAssertEqual(verdict, "True\n", "zipfile reads it")
                XCTAssertEqual(String(decoding: try ArchiveOracles.readAll(&source), as: UTF8.self), text)
            } else {
                XCTAssertEqual(verdict, "BadZipFile\n", "zipfile rejects it")
                XCTAssertThrowsError(try ArchiveOracles.readAll(&source)) { error in
                    XCTAssertTrue((error as? ByteSourceError)?.reason?.contains("is cut short: its deflate data ends before the stream does") == true, "\(error)")
                }
            }
        }
    }

    func testAFileThatIsNotAWholeZipIsRejected() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let zip = folder.appendingPathComponent("whole.zip")
        try pythonZip([Spec(name: "a.json", text: String(repeating: "{}\n", count: 1000))], to: zip)
        let whole = try Data(contentsOf: zip)
        for (name, bytes) in [("half", whole.prefix(whole.count / 2)), ("noise", Data(ArchiveOracles.noise(5000))), ("empty", Data())] {
            let path = folder.appendingPathComponent(name + ".zip")
            try bytes.write(to: path)
            XCTAssertThrowsError(try ZipInput(path: path.path), name) { error in
                XCTAssertTrue((error as? ByteSourceError)?.reason?.contains("not a zip archive") == true, "\(name): \(error)")
            }
        }
        XCTAssertThrowsError(try ZipInput(path: folder.appendingPathComponent("missing.zip").path)) { error in
            XCTAssertEqual((error as? ByteSourceError)?.code, ENOENT)
        }
    }
}
