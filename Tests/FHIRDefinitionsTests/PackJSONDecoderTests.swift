import XCTest
import Foundation
import FHIRDefinitions
import DCHTestSupport

/// The pack's own JSON decoder must read exactly what Foundation's `JSONDecoder` reads.
final class PackJSONDecoderTests: XCTestCase {
    /// Every record of the shipped pack, decoded by both, compares equal.
    func testEveryPackRecordDecodesAsFoundationDecodesIt() throws {
        guard SharedCorpus.hasSchemasPack else {
            throw Prerequisite.missing("Schemas/ has no pack; run scripts/regenerate-pack")
        }
        let index = try String(contentsOf: SharedCorpus.schemas.appendingPathComponent("pack-index.tsv"), encoding: .utf8)
        var files: [String: Data] = [:]
        var checked = 0
        for line in index.split(separator: "\n").dropFirst() where !line.hasPrefix("#") {
            let f = line.split(separator: "\t").map(String.init)
            let data = try files[f[2]] ?? Data(contentsOf: SharedCorpus.schemas.appendingPathComponent(f[2]))
            files[f[2]] = data
            let slice = data.subdata(in: Int(f[3])! ..< Int(f[3])! + Int(f[4])!)
            switch f[0] {
            case "sd": try assertSameDecoding(StructureRecord.self, slice, f[1])
            case "vs": try assertSameDecoding(ValueSetRecord.self, slice, f[1])
            case "cs": try assertSameDecoding(CodeSystemRecord.self, slice, f[1])
            default: XCTFail("unknown kind \(f[0])")
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 3_000)
    }

    private func assertSameDecoding<T: Decodable & Equatable>(_ type: T.Type, _ data: Data, _ url: String) throws {
        let expected = try JSONDecoder().decode(T.self, from: data)
        XCTAssertEqual(try PackJSONDecoder.decode(T.self, from: data), expected, url)
    }

    private struct Sample: Codable, Equatable {
        var text: String
        var number: Int
        var ratio: Double?
        var flag: Bool?
        var list: [String]?
        var nested: [Sample]?
    }

    /// RFC 8259 strings: every escape, surrogate pairs, raw UTF-8, and the optional forms.
    func testEscapesNumbersAndOptionalsMatchFoundation() throws {
        let texts = [
            #"{"text":"a\"b\\c\/d\b\f\n\r\t","number":-12}"#,
            #"{"text":"\u00e9\u20AC\ud83d\ude00 é€😀","number":0,"ratio":-1.5e3,"flag":false}"#,
            #"{ "number" : 9223372036854775807 , "text" : "", "list" : [ "x" , "y" ], "ratio": null }"#,
            #"{"text":"\\","number":3,"list":["\\\"","a\\\\\"b\"","\"\"",""]}"#,
            #"{"text":"outer","number":1,"nested":[{"text":"inner","number":2,"nested":[]}],"unknown":{"a":[1,{"b":null}]}}"#,
        ]
        for text in texts {
            let data = Data(text.utf8)
            XCTAssertEqual(try PackJSONDecoder.decode(Sample.self, from: data),
                           try JSONDecoder().decode(Sample.self, from: data), text)
        }
    }

    /// Broken texts are errors, never a partial value.
    func testMalformedTextIsRefused() {
        let broken = [
            #"{"text":"a","number":1"#,              // truncated
            #"{"text":"a","number":1}}"#,            // a stray close
            #"{"text":"a","number":1} {}"#,          // text after the value
            #"{"text":"a,"number":1}"#,              // unterminated string
            #"{"text":"a","number":1.5}"#,           // not an integer
            #"{"text":"a","number":99999999999999999999}"#,  // out of range
            #"{"text":"\q","number":1}"#,            // bad escape
            #"{"text":"a"}"#,                        // missing member
            #"{"text":"a","number":tru}"#,           // bad literal
            #"[1,2]"#,                               // not an object
        ]
        for text in broken {
            XCTAssertThrowsError(try PackJSONDecoder.decode(Sample.self, from: Data(text.utf8)), text)
        }
    }
}
