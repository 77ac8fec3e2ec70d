import Benchmark
import Foundation
import BenchmarkCorpus
import FHIRConversion

// Conversion over the whole corpus per iteration; throughput in corpus passes, and allocations.
let benchmarks: @Sendable () -> Void = {
    let corpus = try! BenchmarkCorpus()
    let converter = corpus.converter
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(5)
    )
    Benchmark("XML->JSON corpus (\(corpus.xml.count) messages, \(corpus.xmlBytes / 1000) KB)") { benchmark in
        for input in corpus.xml {
            blackHole(try converter.convert(input, from: .xml, to: .json, pretty: false))
        }
    }
    Benchmark("JSON->XML corpus (\(corpus.json.count) messages, \(corpus.jsonBytes / 1000) KB)") { benchmark in
        for input in corpus.json {
            blackHole(try converter.convert(input, from: .json, to: .xml, pretty: false))
        }
    }
}
