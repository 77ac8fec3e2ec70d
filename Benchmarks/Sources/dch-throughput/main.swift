import Foundation
import BenchmarkCorpus
import FHIRConversion
import FHIRValidation

// Prints conversion throughput over the corpus (messages/s and MB/s, one core), for the README.
// Usage: dch-throughput [seconds-per-measurement] [name-filter]   (e.g. `3 JSON->XML`)
let seconds = Double(CommandLine.arguments.dropFirst().first ?? "3") ?? 3
let only = CommandLine.arguments.dropFirst(2).first
let corpus = try BenchmarkCorpus()
let converter = corpus.converter

func measure(_ name: String, inputs: [Data], _ body: (Data) throws -> Void) rethrows {
    if let only, !name.contains(only) { return }
    let bytes = inputs.reduce(0) { $0 + $1.count }
    for input in inputs { try body(input) }  // warm-up: loads every definition the corpus needs
    var rounds = 0
    let start = Date()
    repeat {
        for input in inputs { try body(input) }
        rounds += 1
    } while Date().timeIntervalSince(start) < seconds
    let elapsed = Date().timeIntervalSince(start)
    let messages = Double(rounds * inputs.count) / elapsed
    let mb = Double(rounds * bytes) / elapsed / 1_000_000
    print(String(format: "%-14@ %8.0f messages/s %8.1f MB/s  (%d messages, %.1f KB mean)",
                 name as NSString, messages, mb, inputs.count, Double(bytes) / Double(inputs.count) / 1000))
}

print("corpus: \(corpus.xml.count) XML messages, \(corpus.xmlBytes) bytes; JSON forms \(corpus.jsonBytes) bytes")
try measure("XML->JSON", inputs: corpus.xml) { _ = try converter.convert($0, from: .xml, to: .json, pretty: false) }
try measure("JSON->XML", inputs: corpus.json) { _ = try converter.convert($0, from: .json, to: .xml, pretty: false) }
try measure("XML parse", inputs: corpus.xml) { _ = try converter.read($0, format: .xml) }
try measure("JSON parse", inputs: corpus.json) { _ = try converter.read($0, format: .json) }

// Validation (layer 1 today): parse + validate, and validate alone on parsed trees.
let validator = Validator(pack: converter.pack)
try measure("Validate", inputs: corpus.xml) { data in
    _ = validator.validate(try converter.read(data, format: .xml).0.root, syntax: .xml)
}
let trees = try corpus.xml.map { try converter.read($0, format: .xml).0.root }
var next = 0
try measure("Validate only", inputs: corpus.xml) { _ in
    _ = validator.validate(trees[next % trees.count], syntax: .xml)
    next += 1
}
