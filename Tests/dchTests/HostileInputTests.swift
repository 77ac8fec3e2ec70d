import XCTest
import Foundation
import DCHTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Hostile and broken inputs, each given to the real `dch validate` (and `dch convert`) process:
/// each must end with its expected rule, exit status 1 (or 0 where the input is merely odd), within
/// a time and a peak memory bound, and without reading a local file or reaching the network.
/// The inputs are made here, in the test's temporary folder (some are tens of megabytes).
final class HostileInputTests: CommandTestCase {
    /// One hostile input and what `dch validate --format json` must make of it.
    struct Case {
        var name: String
        var bytes: () -> Data
        /// Rules that must appear (any severity), in the NDJSON report.
        var rules: [String]
        var status: Int32 = 1
        var extraArguments: [String] = []
        /// Generous bounds for a debug build on a loaded 2-core machine: the point is that they
        /// are bounded (a billion laughs or an endless line would take minutes or gigabytes).
        var seconds: Double = 30
        var megabytes: Int = 400
    }

    private static let fhir = "http://hl7.org/fhir"
    private static let declaration = "<?xml version=\"1.0\"?>\n"

    private static func text(_ s: String) -> () -> Data { { Data(s.utf8) } }
    private static func bytes(_ b: [UInt8]) -> () -> Data { { Data(b) } }
    private static func repeated(_ head: String, _ unit: String, _ count: Int, _ tail: String) -> () -> Data {
        {
            var d = Data(head.utf8)
            let u = Data(unit.utf8)
            d.reserveCapacity(head.utf8.count + u.count * count + tail.utf8.count)
            for _ in 0..<count { d.append(u) }
            d.append(contentsOf: Array(tail.utf8))
            return d
        }
    }
    private static func nested(_ open: String, _ close: String, _ count: Int, head: String, middle: String = "", tail: String) -> () -> Data {
        {
            var d = Data(head.utf8)
            let o = Data(open.utf8), c = Data(close.utf8)
            for _ in 0..<count { d.append(o) }
            d.append(contentsOf: Array(middle.utf8))
            for _ in 0..<count { d.append(c) }
            d.append(contentsOf: Array(tail.utf8))
            return d
        }
    }

    static let xmlCases: [Case] = [
        Case(name: "xxe-file.xml", bytes: text(declaration + "<!DOCTYPE Patient [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Patient xmlns=\"\(fhir)\"><id value=\"&x;\"/></Patient>"),
             rules: ["xml.doctype"]),
        Case(name: "xxe-url.xml", bytes: text(declaration + "<!DOCTYPE Patient [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]>\n<Patient xmlns=\"\(fhir)\"><id value=\"&x;\"/></Patient>"),
             rules: ["xml.doctype"]),
        Case(name: "billion-laughs.xml", bytes: text(declaration + "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + (1...9).map { "<!ENTITY lol\($0) \"" + String(repeating: $0 == 1 ? "&lol;" : "&lol\($0 - 1);", count: 10) + "\">" }.joined()
                + "]>\n<Patient xmlns=\"\(fhir)\"><id value=\"&lol9;\"/></Patient>"),
             rules: ["xml.doctype"]),
        Case(name: "quadratic-blowup.xml", bytes: text(declaration + "<!DOCTYPE p [<!ENTITY a \"" + String(repeating: "x", count: 50_000) + "\">]>\n<Patient xmlns=\"\(fhir)\"><id value=\""
                + String(repeating: "&a;", count: 50_000) + "\"/></Patient>"),
             rules: ["xml.doctype"]),
        Case(name: "external-dtd.xml", bytes: text(declaration + "<!DOCTYPE Patient SYSTEM \"http://127.0.0.1:9/fhir.dtd\">\n<Patient xmlns=\"\(fhir)\"><id value=\"a\"/></Patient>"),
             rules: ["xml.doctype"]),
        Case(name: "xinclude.xml", bytes: text(declaration + "<Patient xmlns=\"\(fhir)\" xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"/etc/passwd\" parse=\"text\"/><id value=\"a\"/></Patient>"),
             rules: ["xml.namespace"]),
        Case(name: "processing-instructions.xml", bytes: text(declaration + "<?xml-stylesheet href=\"x.xsl\"?>\n<Patient xmlns=\"\(fhir)\"><?foo bar?><id value=\"a\"/></Patient>"),
             rules: ["xml.processing-instruction"], status: 0),
        Case(name: "deep-million.xml", bytes: nested("<extension>", "</extension>", 1_000_000, head: declaration + "<Patient xmlns=\"\(fhir)\">", tail: "</Patient>"),
             rules: ["xml.too-deep"]),
        Case(name: "many-children.xml", bytes: repeated(declaration + "<Patient xmlns=\"\(fhir)\">", "<name><family value=\"x\"/></name>", 100_001, "</Patient>"),
             rules: ["xml.too-many-children"]),
        Case(name: "huge-attribute.xml", bytes: repeated(declaration + "<Patient xmlns=\"\(fhir)\"><id value=\"", "a", 20 << 20, "\"/></Patient>"),
             rules: ["xml.syntax"]),
        Case(name: "huge-narrative.xml", bytes: repeated(declaration + "<Patient xmlns=\"\(fhir)\"><text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\">", "a", 20 << 20, "</div></text></Patient>"),
             rules: [], status: 0),
        Case(name: "invalid-utf8.xml", bytes: { Data(declaration.utf8) + Data("<Patient xmlns=\"\(fhir)\"><id value=\"a".utf8) + Data([0xFF, 0xFE]) + Data("b\"/></Patient>".utf8) },
             rules: ["xml.encoding"]),
        Case(name: "declared-utf16.xml", bytes: text("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<Patient xmlns=\"\(fhir)\"><id value=\"a\"/></Patient>"),
             rules: ["xml.encoding"]),
        Case(name: "declared-latin1.xml", bytes: { Data("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<Patient xmlns=\"\(fhir)\"><id value=\"caf".utf8) + Data([0xE9]) + Data("\"/></Patient>".utf8) },
             rules: ["xml.encoding"]),
        Case(name: "truncated.xml", bytes: text(declaration + "<Patient xmlns=\"\(fhir)\"><id value=\"a\"/><birthDa"),
             rules: ["xml.syntax"]),
        Case(name: "mixed-content.xml", bytes: text(declaration + "<Patient xmlns=\"\(fhir)\">text here<id value=\"a\"/></Patient>"),
             rules: ["xml.text-content"]),
        Case(name: "nul-byte.xml", bytes: { Data(declaration.utf8) + Data("<Patient xmlns=\"\(fhir)\"><id value=\"a".utf8) + Data([0]) + Data("b\"/></Patient>".utf8) },
             rules: ["xml.syntax"]),
    ]

    static let jsonCases: [Case] = [
        Case(name: "deep-arrays.json", bytes: nested("[", "]", 1_000_000, head: "{\"resourceType\":\"Patient\",\"extension\":", tail: "}"),
             rules: ["json.too-deep"]),
        Case(name: "deep-objects.json", bytes: nested("{\"a\":", "}", 1_000_000, head: "{\"resourceType\":\"Patient\",\"x\":", middle: "1", tail: "}"),
             rules: ["json.too-deep"]),
        Case(name: "huge-number.json", bytes: repeated("{\"resourceType\":\"Patient\",\"multipleBirthInteger\":", "9", 1_000_000, "}"),
             rules: ["value.integer"]),
        Case(name: "huge-string.json", bytes: repeated("{\"resourceType\":\"Patient\",\"id\":\"", "a", 20 << 20, "\"}"),
             rules: ["value.id"]),
        Case(name: "million-items.json", bytes: repeated("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"x\"}", ",{\"family\":\"x\"}", 999_999, "]}"),
             rules: ["json.too-many-items"]),
        Case(name: "invalid-utf8.json", bytes: { Data("{\"resourceType\":\"Patient\",\"id\":\"a".utf8) + Data([0xFF]) + Data("\"}".utf8) },
             rules: ["json.utf8"]),
        Case(name: "lone-surrogate.json", bytes: text("{\"resourceType\":\"Patient\",\"id\":\"a\\ud800b\"}"),
             rules: ["json.utf8"]),
        Case(name: "duplicate-keys.json", bytes: text("{\"resourceType\":\"Patient\",\"id\":\"a\",\"id\":\"b\"}"),
             rules: ["json.duplicate-key"]),
        Case(name: "trailing-garbage.json", bytes: text("{\"resourceType\":\"Patient\",\"id\":\"a\"} garbage"),
             rules: ["json.trailing-content"]),
        Case(name: "byte-order-mark.json", bytes: { Data([0xEF, 0xBB, 0xBF]) + Data("{\"resourceType\":\"Patient\",\"id\":\"a\"}".utf8) },
             rules: ["json.bom"], status: 0),
        Case(name: "nan.json", bytes: text("{\"resourceType\":\"Patient\",\"multipleBirthInteger\":NaN}"),
             rules: ["json.syntax"]),
        Case(name: "infinity.json", bytes: text("{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":Infinity}}"),
             rules: ["json.syntax"]),
        Case(name: "truncated.json", bytes: text("{\"resourceType\":\"Patient\",\"id\":\"a\",\"birthDate\":\"20"),
             rules: ["json.syntax"]),
    ]

    static let streamCases: [Case] = [
        // An endless line: refused once it passes the size limit, without being held whole.
        Case(name: "endless-line.ndjson", bytes: repeated("{\"resourceType\":\"Patient\",\"id\":\"", "a", 8 << 20, ""),
             rules: ["io.too-large"], extraArguments: ["--max-bytes", "1000000"], megabytes: 200),
        Case(name: "no-newline.ndjson", bytes: text("{\"resourceType\":\"Patient\",\"id\":\"a\"}{\"resourceType\":\"Patient\",\"id\":\"b\"}"),
             rules: [], status: 0),
        Case(name: "binary-junk.ndjson", bytes: { Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }) },
             rules: ["format.unknown"]),
    ]

    func testHostileXML() throws { try check(Self.xmlCases) }
    func testHostileJSON() throws { try check(Self.jsonCases) }
    func testHostileStreams() throws { try check(Self.streamCases) }

    /// `dch convert` refuses the same inputs with the same bounds, and nothing of a local file
    /// reaches its output.
    func testConvertRefusesEntitiesAndIncludes() throws {
        for c in Self.xmlCases where ["xxe-file.xml", "xinclude.xml", "billion-laughs.xml"].contains(c.name) {
            let path = temp.appendingPathComponent(c.name)
            try c.bytes().write(to: path)
            let run = try MeasuredRun.run(DCHCommand.productsDirectory.appendingPathComponent("dch").path,
                                          ["convert", "--to", "json", path.path], in: temp, timeout: c.seconds)
            XCTAssertEqual(run.status, 1, c.name)
            XCTAssertFalse(run.stdout.contains("root:"), "\(c.name): a local file's content in the output")
            XCTAssertFalse(run.stderr.contains("root:x:"), "\(c.name): a local file's content in the errors")
        }
    }

    /// The configurable limits: a message within them reads, the same one beyond them is refused
    /// with the limit's rule.
    func testLimitsAreConfigurable() throws {
        let sample = SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml").path
        let dch = DCHCommand.productsDirectory.appendingPathComponent("dch").path
        let within = try MeasuredRun.run(dch, ["validate", "--format", "json", "--max-depth", "64", "--max-entries", "100", sample], in: temp)
        XCTAssertFalse(within.stdout.contains("too-"), within.stdout)
        let deep = try MeasuredRun.run(dch, ["validate", "--format", "json", "--max-depth", "5", sample], in: temp)
        XCTAssertTrue(deep.stdout.contains("\"xml.too-deep\""), deep.stdout)
        let json = temp.appendingPathComponent("many.json")
        try Data("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"a\"},{\"family\":\"b\"},{\"family\":\"c\"}]}".utf8).write(to: json)
        let items = try MeasuredRun.run(dch, ["convert", "--to", "xml", "--max-entries", "2", json.path], in: temp)
        XCTAssertEqual(items.status, 1)
        XCTAssertTrue(items.stderr.contains("more than the limit of 2 items"), items.stderr)
        let allowed = try MeasuredRun.run(dch, ["convert", "--to", "xml", "--max-entries", "3", json.path], in: temp)
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        let big = try MeasuredRun.run(dch, ["convert", "--to", "json", "--max-bytes", "100", sample], in: temp)
        XCTAssertEqual(big.status, 1)
        XCTAssertTrue(big.stderr.contains("--max-bytes"), big.stderr)
    }

    private func check(_ cases: [Case]) throws {
        let dch = DCHCommand.productsDirectory.appendingPathComponent("dch").path
        for c in cases {
            let path = temp.appendingPathComponent(c.name)
            try c.bytes().write(to: path)
            let run = try MeasuredRun.run(dch, ["validate", "--format", "json"] + c.extraArguments + [path.path],
                                          in: temp, timeout: c.seconds)
            try? FileManager.default.removeItem(at: path)
            XCTAssertFalse(run.timedOut, "\(c.name): still running after \(c.seconds) s")
            XCTAssertEqual(run.status, c.status, "\(c.name): exit status; stderr: \(run.stderr.prefix(300))")
            let found = Set(run.stdout.split(separator: "\n").compactMap { line -> String? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return object["rule"] as? String
            })
            for rule in c.rules {
                XCTAssertTrue(found.contains(rule), "\(c.name): expected \(rule), found \(found.sorted())")
            }
            if c.rules.isEmpty {
                XCTAssertFalse(found.contains { $0.hasPrefix("io.") || $0.hasSuffix("syntax") }, "\(c.name): \(found.sorted())")
            }
            XCTAssertLessThan(run.peakMegabytes, c.megabytes, "\(c.name): peak memory")
            XCTAssertFalse(run.stdout.contains("root:x:"), "\(c.name): a local file's content in the report")
        }
    }
}

/// A real process run with its peak memory and a deadline after which it is killed. The peak is
/// measured by GNU time (`%M`, from `wait4` in that small process): `wait4` here would count the
/// test process's own memory, which a spawned child shares until it runs `dch`.
struct MeasuredRun {
    var status: Int32
    var stdout: String
    var stderr: String
    var peakMegabytes: Int
    var timedOut: Bool

    static let time = "/usr/bin/time"

    /// Runs `executable` (paths in `arguments` absolute), its output in files under `directory`.
    static func run(_ executable: String, _ arguments: [String], in directory: URL, timeout: Double = 60) throws -> MeasuredRun {
        guard FileManager.default.isExecutableFile(atPath: time) else {
            throw Prerequisite.missing("GNU time at /usr/bin/time (apt-get install time) measures the peak memory of dch")
        }
        let out = directory.appendingPathComponent("run-\(UUID().uuidString).out")
        let err = directory.appendingPathComponent("run-\(UUID().uuidString).err")
        let peak = directory.appendingPathComponent("run-\(UUID().uuidString).rss")
        defer { [out, err, peak].forEach { try? FileManager.default.removeItem(at: $0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // A process group of its own, so that a run past its deadline is killed with its child.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = ([time, "-f", "%M", "-o", peak.path, executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, time, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var timedOut = false
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if Date() > deadline && !timedOut {
                timedOut = true
                kill(-pid, SIGKILL)
            }
            usleep(5_000)
        }
        // Exit status from the wait status word (WEXITSTATUS; a signal gives 128 + its number).
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let kilobytes = (try? String(contentsOf: peak, encoding: .utf8))?
            .split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.last ?? 0
        return MeasuredRun(status: exit,
                           stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                           stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
                           peakMegabytes: kilobytes / 1024, timedOut: timedOut)
    }
}
