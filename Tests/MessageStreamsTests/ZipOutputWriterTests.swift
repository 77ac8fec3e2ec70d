import Foundation
import XCTest
import DCHTestSupport
import ZIPFoundation
@testable import MessageStreams

/// ZipOutputWriter's archives read back by python3's zipfile (names, order, every byte,
/// `testzip`) and by ZIPFoundation; resuming after a torn tail; a million entries through zip64.
final class ZipOutputWriterTests: XCTestCase {
    /// What zipfile makes of `zip`: its names in order, `testzip()`'s verdict (the first damaged
    /// entry, nil when all CRCs hold), the names whose bytes differ from `expected`'s, and the
    /// first entry's compression method and date.
    struct PythonVerdict: Decodable {
        let names: [String]
        let testzip: String?
        let mismatched: [String]
        let method: Int?
        let dateTime: [Int]?
    }

    static func pythonVerdict(_ zip: URL, expected: [(name: String, bytes: [UInt8])], in folder: URL) throws -> PythonVerdict {
        // The expected entries as two files: their bytes back to back, and their names and lengths.
        let blob = folder.appendingPathComponent("expected-\(UUID().uuidString).bin")
        let index = blob.appendingPathExtension("json")
        defer { for file in [blob, index] { try? FileManager.default.removeItem(at: file) } }
        try Data(expected.flatMap(\.bytes)).write(to: blob)
        try JSONSerialization.data(withJSONObject: expected.map { [$0.name, $0.bytes.count] as [Any] }).write(to: index)
        let script = """
        import json, sys, zipfile
        blob = open(sys.argv[2], "rb").read()
        expected, at = [], 0
        for name, length in json.load(open(sys.argv[3])):
            expected.append((name, blob[at:at + length]))
            at += length
        with zipfile.ZipFile(sys.argv[1]) as z:
            infos = z.infolist()
            mismatched = [n for n, b in expected if n not in z.NameToInfo or z.read(n) != b]
            print(json.dumps({"names": [i.filename for i in infos], "testzip": z.testzip(), "mismatched": mismatched,
                              "method": infos[0].compress_type if infos else None,
                              "dateTime": list(infos[0].date_time) if infos else None}))
        """
        return try JSONDecoder().decode(PythonVerdict.self, from: ArchiveOracles.python(script, [zip.path, blob.path, index.path]))
    }

    private func sampleEntries() -> [(name: String, bytes: [UInt8])] {
        var entries: [(name: String, bytes: [UInt8])] = [
            ("a.json", Array("{\"resourceType\":\"Bundle\"}".utf8)),
            ("empty.json", []),
            ("dir/sub/ünïcode.xml", Array("<Bundle xmlns=\"http://hl7.org/fhir\"/>".utf8)),
            ("noise.bin", ArchiveOracles.noise(2_000_000)),
            ("big.ndjson", ArchiveOracles.sampleText(5_000_000)),
        ]
        for i in 0..<200 { entries.append(("small/\(i).json", ArchiveOracles.sampleText(100 + i * 37, seed: UInt64(i)))) }
        return entries
    }

    func testPythonAndZIPFoundationReadEveryEntryBack() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let zip = folder.appendingPathComponent("out.zip")
        let entries = sampleEntries()
        let date = try XCTUnwrap(Calendar.current.date(from: DateComponents(year: 2024, month: 3, day: 15, hour: 10, minute: 30, second: 42)))
        let writer = try ZipOutputWriter(creating: zip.path, date: date)
        for entry in entries { try writer.add(name: entry.name, bytes: entry.bytes) }
        XCTAssertEqual(writer.entryCount, entries.count)
        try writer.finish()
        XCTAssertThrowsError(try writer.add(name: "late", bytes: [1]), "a finished archive takes no more entries")

        let verdict = try Self.pythonVerdict(zip, expected: entries, in: folder)
        XCTAssertEqual(verdict.names, entries.map(\.name))
        XCTAssertNil(verdict.testzip)
        XCTAssertEqual(verdict.mismatched, [])
        XCTAssertEqual(verdict.method, 8, "deflated")
        XCTAssertEqual(verdict.dateTime, [2024, 3, 15, 10, 30, 42])
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? Int)
        XCTAssertLessThan(size, 2_000_000 + 5_000_000 / 3, "text deflated, noise barely grown")

        let archive = try Archive(url: zip, accessMode: .read)
        var names: [String] = []
        for entry in archive {
            names.append(entry.path)
            var bytes = Data()
            _ = try archive.extract(entry, consumer: { bytes.append($0) })
            XCTAssertEqual(Array(bytes), entries[names.count - 1].bytes, entry.path)
        }
        XCTAssertEqual(names, entries.map(\.name), "ZIPFoundation lists the same entries")

        let input = try ZipInput(path: zip.path)
        var read = 0
        while let entry = try input.nextEntry() {
            var source = entry.open()
            XCTAssertEqual(try ArchiveOracles.readAll(&source), entries[read].bytes)
            read += 1
        }
        XCTAssertEqual(read, entries.count)
    }

    /// A crash after a checkpoint leaves entries written after it, a torn one last: resuming cuts
    /// them off, the caller adds them again, and the archive holds each entry once.
    func testResumeCutsTheTornTailAndKeepsEachEntryOnce() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let zip = folder.appendingPathComponent("resumed.zip.partial")
        let entries = sampleEntries()
        var saved = Data()
        do {
            let writer = try ZipOutputWriter(creating: zip.path)
            for (i, entry) in entries.enumerated() {
                try writer.add(name: entry.name, bytes: entry.bytes)
                if i == 150 { saved = try JSONEncoder().encode(writer.checkpoint()) }
            }
            _ = try writer.checkpoint() // flushes the lot: the file now holds entries past the saved checkpoint
        }
        let handle = try FileHandle(forWritingTo: zip)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(ArchiveOracles.noise(777)) + Data([0x50, 0x4B, 3, 4])) // a torn header
        try handle.close()

        let checkpoint = try JSONDecoder().decode(ZipCheckpoint.self, from: saved)
        XCTAssertEqual(checkpoint.entryCount, 151)
        let resumed = try ZipOutputWriter(resuming: zip.path, from: checkpoint)
        XCTAssertEqual(resumed.entryCount, 151)
        for entry in entries[151...] { try resumed.add(name: entry.name, bytes: entry.bytes) }
        try resumed.finish()

        let verdict = try Self.pythonVerdict(zip, expected: entries, in: folder)
        XCTAssertEqual(verdict.names, entries.map(\.name), "each entry exactly once, in order")
        XCTAssertNil(verdict.testzip)
        XCTAssertEqual(verdict.mismatched, [])
    }

    func testResumeRefusesACheckpointTheFileDoesNotHold() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let zip = folder.appendingPathComponent("short.zip")
        let writer = try ZipOutputWriter(creating: zip.path)
        try writer.add(name: "a", bytes: Array("first".utf8))
        let one = try writer.checkpoint()
        try writer.add(name: "b", bytes: Array("second".utf8))
        let two = try writer.checkpoint()
        let beyond = ZipCheckpoint(entryCount: 3, nextEntryOffset: two.nextEntryOffset + 100, dosTime: two.dosTime, dosDate: two.dosDate)
        XCTAssertThrowsError(try ZipOutputWriter(resuming: zip.path, from: beyond)) { error in
            XCTAssertTrue((error as? ByteSourceError)?.reason?.contains("fewer than the") == true, "\(error)")
        }
        let miscounted = ZipCheckpoint(entryCount: 5, nextEntryOffset: two.nextEntryOffset, dosTime: two.dosTime, dosDate: two.dosDate)
        XCTAssertThrowsError(try ZipOutputWriter(resuming: zip.path, from: miscounted)) { error in
            XCTAssertTrue((error as? ByteSourceError)?.reason?.contains("holds 2 entries") == true, "\(error)")
        }
        let midEntry = ZipCheckpoint(entryCount: 1, nextEntryOffset: one.nextEntryOffset + 3, dosTime: one.dosTime, dosDate: one.dosDate)
        XCTAssertThrowsError(try ZipOutputWriter(resuming: zip.path, from: midEntry), "an offset inside an entry")
    }

    /// A million small entries: more than 65,535 and a directory past what 16-bit counts hold,
    /// so the end records are zip64's. zipfile lists them all and reads a sample back.
    func testAMillionEntriesThroughZip64() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let zip = folder.appendingPathComponent("million.zip")
        let count = 1_000_000
        let started = Date()
        let writer = try ZipOutputWriter(creating: zip.path, compressionLevel: 1)
        for i in 0..<count {
            let text = "{\"resourceType\":\"Bundle\",\"id\":\"\(i)\"}"
            try writer.add(name: "m/\(i).json", bytes: Array(text.utf8))
        }
        let added = Date()
        try writer.finish()
        let finished = Date()
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? Int)
        print("zip writer: \(count) entries added in \(added.timeIntervalSince(started)) s, finished in \(finished.timeIntervalSince(added)) s, \(size) bytes")
        let script = """
        import json, sys, zipfile
        with zipfile.ZipFile(sys.argv[1]) as z:
            infos = z.infolist()
            names_ok = all(info.filename == "m/%d.json" % i for i, info in enumerate(infos))
            sample_ok = all(z.read("m/%d.json" % i) == b'{"resourceType":"Bundle","id":"%d"}' % i for i in range(0, len(infos), 9973))
            print(json.dumps([len(infos), names_ok, sample_ok]))
        """
        let verdict = try JSONSerialization.jsonObject(with: ArchiveOracles.python(script, [zip.path])) as? [Any]
        XCTAssertEqual(verdict?[0] as? Int, count)
        XCTAssertEqual(verdict?[1] as? Bool, true, "names in order")
        XCTAssertEqual(verdict?[2] as? Bool, true, "sampled contents")
        let end = try Data(contentsOf: zip).suffix(22)
        XCTAssertEqual(Array(end.prefix(4)), [0x50, 0x4B, 5, 6])
        XCTAssertEqual(Array(end.dropFirst(8).prefix(4)), [0xFF, 0xFF, 0xFF, 0xFF], "16-bit counts saturated: the zip64 record holds them")
    }
}
