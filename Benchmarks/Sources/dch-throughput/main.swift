import Foundation
import BenchmarkCorpus
import FHIRConversion
import FHIRValidation
import ChildHealthEvents
import FHIRModel

// Prints throughput over the corpus (messages and MB per CPU second, one core), for the README.
// Usage: dch-throughput [seconds-per-measurement] [name-filter]   (e.g. `3 JSON->XML`)
// A negative first argument runs that many rounds instead of timing (for `perf stat` instruction
// counts on a busy machine: `perf stat -e instructions:u dch-throughput -20 "Layers +2"`).
let seconds = Double(CommandLine.arguments.dropFirst().first ?? "3") ?? 3
let only = CommandLine.arguments.dropFirst(2).first
let corpus = try BenchmarkCorpus()
let converter = corpus.converter

/// CPU seconds used by this process: the figures are per core, and a busy machine (other
/// processes on the same cores) then disturbs them much less than wall time would.
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func measure(_ name: String, inputs: [Data], _ body: (Data) throws -> Void) rethrows {
    if let only, !name.contains(only) { return }
    let bytes = inputs.reduce(0) { $0 + $1.count }
    for input in inputs { try body(input) }  // warm-up: loads every definition the corpus needs
    var rounds = 0
    let start = cpuSeconds()
    repeat {
        for input in inputs { try body(input) }
        rounds += 1
    } while seconds < 0 ? rounds < Int(-seconds) : cpuSeconds() - start < seconds
    let elapsed = cpuSeconds() - start
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

// Validation: parse + every layer (1-5) and the event rules, as `dch validate` runs them, over the
// corpus and over its DCH message Bundles alone; then each layer's cost on parsed trees (layers
// added one at a time to 1 + 4).
let events = EventRules(catalogue: try EventCatalogue.shipped(), pack: converter.pack)
let validator = Validator(pack: converter.pack, options: ValidationOptions(ruleSets: [events]))
try measure("Validate all", inputs: corpus.xml) { data in
    _ = validator.validate(try converter.read(data, format: .xml).root, syntax: .xml)
}
let dch = zip(corpus.xmlFiles, corpus.xml).filter { $0.0.lastPathComponent.hasPrefix("DCH-") }.map(\.1)
if !dch.isEmpty {
    try measure("Validate DCH", inputs: dch) { data in
        _ = validator.validate(try converter.read(data, format: .xml).root, syntax: .xml)
    }
}
let trees = try corpus.xml.map { try converter.read($0, format: .xml).root }
let layerSets: [(String, ValidationOptions)] = [
    ("Layers 1+4", ValidationOptions(checkTerminology: false, checkInvariants: false, checkProfiles: false)),
    ("Layers +3", ValidationOptions(checkTerminology: true, checkInvariants: false, checkProfiles: false)),
    ("Layers +2", ValidationOptions(checkTerminology: true, checkInvariants: false, checkProfiles: true)),
    ("Layers +5", ValidationOptions()),
    ("Layers +events", ValidationOptions(ruleSets: [events])),
]
for (name, options) in layerSets {
    let v = Validator(pack: converter.pack, options: options)
    var next = 0
    try measure(name, inputs: corpus.xml) { _ in
        _ = v.validate(trees[next % trees.count], syntax: .xml)
        next += 1
    }
}

// Layer 5 alone (the FHIRPath invariants), on parsed trees: what "Layers +5" adds.
let invariants = InvariantChecker(pack: converter.pack)
var nextTree = 0
try measure("Invariants", inputs: corpus.xml) { _ in
    _ = invariants.validate(trees[nextTree % trees.count])
    nextTree += 1
}
// The event rules alone (EventRules.check on parsed trees): what "Layers +events" adds.
var nextEventTree = 0
try measure("Event rules", inputs: corpus.xml) { _ in
    _ = events.check(trees[nextEventTree % trees.count], syntax: .xml)
    nextEventTree += 1
}

// Steady-state modes for instruction counts (this VM has no hardware counters; callgrind counts
// exactly and ignores the other processes on the machine):
//   valgrind --tool=callgrind --toggle-collect='*steady*' dch-throughput 1 steady     (every layer + events)
//   ... steady2 (layers 1-4), steady3 (layers 1, 3, 4), steadyparse (XML reading alone),
//   steadyfull (XML read + every layer + events over the DCH Bundles, as the "Validate DCH" row)
// Each runs a warm-up pass first, then three passes inside a function callgrind is told to count.
@inline(never) func steadyParse(_ inputs: [Data], rounds: Int) throws {
    for _ in 0..<rounds { for input in inputs { _ = try converter.read(input, format: .xml) } }
}
@inline(never) func steadyFull(_ v: Validator, _ inputs: [Data], rounds: Int) throws {
    for _ in 0..<rounds {
        for input in inputs { _ = v.validate(try converter.read(input, format: .xml).root, syntax: .xml) }
    }
}
@inline(never) func steadyRounds(_ v: Validator, _ trees: [Element], rounds: Int) {
    for _ in 0..<rounds { for t in trees { _ = v.validate(t, syntax: .xml) } }
}
if let only, only == "steadyfull" {
    let dchOrAll = dch.isEmpty ? corpus.xml : dch
    for input in dchOrAll { _ = validator.validate(try converter.read(input, format: .xml).root, syntax: .xml) }
    try steadyFull(validator, dchOrAll, rounds: 3)
} else if let only, only == "steadyparse" {
    for input in corpus.xml { _ = try converter.read(input, format: .xml) }
    try steadyParse(corpus.xml, rounds: 3)
} else if let only, only.hasPrefix("steady") {
    let options: ValidationOptions
    switch only {
    case "steady2": options = ValidationOptions(checkTerminology: true, checkInvariants: false, checkProfiles: true)
    case "steady3": options = ValidationOptions(checkTerminology: true, checkInvariants: false, checkProfiles: false)
    default: options = ValidationOptions(ruleSets: [events])
    }
    let v = Validator(pack: converter.pack, options: options)
    for t in trees { _ = v.validate(t, syntax: .xml) }
    steadyRounds(v, trees, rounds: 3)
}
