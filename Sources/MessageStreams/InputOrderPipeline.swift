import Foundation

/// Work over many inputs on several threads, with the results handed back in input order.
///
/// A reader thread takes items from the sequence (reading input: it may wait on a pipe), `jobs`
/// worker threads run `work` on them, and the calling thread hands each result, in the items'
/// order, to `deliver` as soon as it and every result before it are done, so a pipeline reading
/// the output sees each result while later input is still on its way. At most `window` items are
/// taken and not yet delivered, so memory stays bounded however many inputs there are: a slow item
/// holds the others back (a reorder buffer of at most `window` results) instead of letting results
/// pile up. With one job, everything runs on the calling thread, one item at a time.
///
/// Workers take items in chunks of up to `batch` items (and about a megabyte by `weight`): a
/// hand-over between threads costs a lock and a wake-up or two, as much as converting a small
/// message, so one per message would keep two cores waiting on each other. A chunk waits for its
/// last item, so a reader of a pipe that must see each result at once (a filter) asks for chunks
/// of one. Once the input has ended, chunks shrink to each worker's share of what is left, so the
/// workers finish together instead of one finishing a whole chunk alone while the others wait.
public enum InputOrderPipeline {
    /// The largest weight a batch gathers (with `weight` in bytes, a megabyte).
    public static let batchWeight = 1 << 20

    /// Messages per batch: one at a time when an input may wait for its writer (standard input or
    /// a named pipe: a filter writes each result as soon as its message has come, and a batch
    /// would wait for its last message), else 256 (with ``batchWeight``, a batch of typical messages
    /// is about a megabyte: measured, batches of 32 kept the threads waking each other often enough
    /// to cost two jobs a tenth of their speed).
    public static func batchSize(inputs: [String]) -> Int {
        inputs.contains(where: FileByteSource.mayWait) ? 1 : 256
    }

    /// Runs `work` over `items` on `jobs` threads and `deliver`s the results in order on the
    /// calling thread. An error thrown by `deliver` stops the workers and is rethrown. `window`
    /// counts chunks (default four per job).
    public static func run<Items: Sequence, Output>(
        _ items: Items, jobs: Int, window: Int? = nil, batch: Int = 1, weight: ((Items.Element) -> Int)? = nil,
        work: @escaping @Sendable (Items.Element) -> Output,
        deliver: (Output) throws -> Void
    ) throws where Items.Element: Sendable, Output: Sendable {
        try run(items, workers: Array(repeating: work, count: max(jobs, 1)), window: window, batch: batch,
                weight: weight, deliver: deliver)
    }

    /// ``run(_:jobs:window:batch:weight:work:deliver:)`` with one `work` per thread (`workers.count`
    /// jobs), each called on its own thread only: a worker that owns its state (its own copy of the
    /// definitions and caches) shares no reference counts with the others, whose atomic updates on
    /// shared objects would otherwise keep two cores waiting on each other's cache lines.
    public static func run<Items: Sequence, Output>(
        _ items: Items, workers: [@Sendable (Items.Element) -> Output], window: Int? = nil, batch: Int = 1,
        weight: ((Items.Element) -> Int)? = nil,
        deliver: (Output) throws -> Void
    ) throws where Items.Element: Sendable, Output: Sendable {
        precondition(!workers.isEmpty, "at least one worker")
        guard workers.count > 1 else {
            let work = workers[0]
            for item in items { try deliver(work(item)) }
            return
        }
        let exchange = Exchange<Items.Element, Output>(
            jobs: workers.count, chunk: ChunkLimits(items: max(batch, 1), weight: batchWeight), windowChunks: window)
        let threads = workers.map { work in WorkerThread { exchange.serve(work) } }
        defer {
            exchange.close()
            threads.forEach { $0.join() }
        }
        // The reader is not joined: after a failed delivery it may still wait on input that never
        // comes, and it stops at its next item anyway (the exchange is closed).
        let reader = UncheckedBox(items)
        WorkerThread.detached { exchange.read(reader.take(), weight: weight) }
        var delivered = 0
        while let outputs = exchange.results(from: delivered) {
            for output in outputs { try deliver(output) }
            delivered += outputs.count
        }
    }

    /// The state of `jobs` workers: `first`, then copies of it made by `copy` (at least one).
    public static func perWorker<State>(_ jobs: Int, first: State, copy: (State) throws -> State) rethrows -> [State] {
        var states = [first]
        while states.count < jobs { states.append(try copy(first)) }
        return states
    }
}

/// The most a worker takes at once: `items` items, and about `weight` (at least one item).
struct ChunkLimits: Sendable, Equatable {
    var items: Int
    var weight: Int

    /// How many of the `queued` items (of total `queuedWeight`, their weights in order from
    /// `weights`) a worker takes. While input is still coming, a full chunk; once it has ended,
    /// at most the worker's share of what is left (guided scheduling): the last items are spread
    /// over every worker in shrinking pieces instead of one worker finishing a whole chunk while
    /// the others wait.
    func take(queued: Int, queuedWeight: Int, jobs: Int, inputEnded: Bool, weights: some Sequence<Int>) -> Int {
        guard queued > 0 else { return 0 }
        var maxItems = min(items, queued), maxWeight = weight
        if inputEnded {
            maxItems = min(maxItems, (queued + jobs - 1) / jobs)
            if queuedWeight > 0 { maxWeight = min(maxWeight, (queuedWeight + jobs - 1) / jobs) }
        }
        var count = 0, total = 0
        for w in weights {
            guard count < maxItems, count == 0 || total < maxWeight else { break }
            count += 1
            total += w
        }
        return max(count, 1)
    }

    /// The limits for a run's chunk number `handedOut` (from 0): they start small and double up
    /// to these, so that the workers start on the first items while the reader is still gathering
    /// a full chunk (two items, or 8 KB, then 4 and 16 KB, ...).
    func ramped(after handedOut: Int) -> ChunkLimits {
        let doublings = min(handedOut, 30)
        return ChunkLimits(items: min(items, 2 << doublings), weight: min(weight, 8_192 << doublings))
    }

    /// Whether `queued` items of `queuedWeight` make a full chunk.
    func isFull(queued: Int, queuedWeight: Int) -> Bool {
        queued >= items || queuedWeight >= weight
    }
}

/// Hands a value that is not `Sendable` to the one thread that uses it from then on.
private final class UncheckedBox<Value>: @unchecked Sendable {
    private var value: Value?
    init(_ value: Value) { self.value = value }
    func take() -> Value {
        defer { value = nil }
        return value!
    }
}

/// The state the calling thread, the reader and the workers share: items not yet taken, results
/// not yet delivered.
///
/// Items queue one by one; a worker takes a chunk of them at a time (one lock and one wake-up per
/// chunk, not per item) and posts the chunk's results together. A worker waits for a full chunk
/// while input is still coming, and once it has ended takes shrinking shares of what is left. The
/// first chunks are small (``ChunkLimits/ramped(after:)``), so work starts with the first items.
private final class Exchange<Item: Sendable, Output: Sendable>: @unchecked Sendable {
    // Every stored property below is read and written with `condition` locked.
    private let condition = NSCondition()
    /// Items read and not yet taken by a worker, from `queueHead` on, with their weights.
    private var queue: [(item: Item, weight: Int)] = []
    private var queueHead = 0
    private var queuedWeight = 0
    /// Finished chunks not yet delivered, by the sequence number of their first item.
    private var finished: [Int: (outputs: [Output], weight: Int)] = [:]
    private var closed = false
    /// Items read so far; items handed to workers; items delivered; the weight read and not delivered.
    private var read = 0, handedOut = 0, delivered = 0, undeliveredWeight = 0
    /// True once the reader has taken the sequence's last item.
    private var inputEnded = false
    private let jobs: Int
    private let chunk: ChunkLimits
    /// Chunks handed to workers so far.
    private var chunksHandedOut = 0
    /// The limits of the next chunk.
    private var current: ChunkLimits { chunk.ramped(after: chunksHandedOut) }
    /// At most this many items, and this much weight, read and not yet delivered: a slow item holds
    /// the reader back instead of letting results pile up behind it.
    private let windowItems: Int, windowWeight: Int

    init(jobs: Int, chunk: ChunkLimits, windowChunks: Int?) {
        self.jobs = jobs
        self.chunk = chunk
        let chunks = max(windowChunks ?? jobs * 4, jobs)
        windowItems = chunks * chunk.items
        windowWeight = chunks * chunk.weight
    }

    private var windowFull: Bool {
        read - delivered >= windowItems || undeliveredWeight >= windowWeight
    }

    /// The reader's loop: reads items while the window has room.
    func read<Items: Sequence>(_ items: Items, weight: ((Item) -> Int)?) where Items.Element == Item {
        var iterator = items.makeIterator()
        while true {
            let open = condition.withLock {
                if windowFull && !closed { condition.broadcast() }   // a worker may take a part chunk now
                while !closed && windowFull { condition.wait() }
                return !closed
            }
            guard open else { return }
            guard let item = iterator.next() else { break }
            let itemWeight = weight?(item) ?? 0
            condition.withLock { queueLocked(item, weight: itemWeight) }
        }
        condition.withLock {
            inputEnded = true
            condition.broadcast()
        }
    }

    /// Queues an item; wakes the workers when it completes a chunk.
    private func queueLocked(_ item: Item, weight: Int) {
        if queueHead > 64, queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        let wasFull = current.isFull(queued: queue.count - queueHead, queuedWeight: queuedWeight)
        queue.append((item, weight))
        queuedWeight += weight
        read += 1
        undeliveredWeight += weight
        if !wasFull && current.isFull(queued: queue.count - queueHead, queuedWeight: queuedWeight) {
            condition.broadcast()
        }
    }

    /// Waits for the chunk that starts at item `sequence` and takes its results; nil once every item is delivered.
    func results(from sequence: Int) -> [Output]? {
        condition.withLock {
            while true {
                if let done = finished.removeValue(forKey: sequence) {
                    delivered = sequence + done.outputs.count
                    undeliveredWeight -= done.weight
                    condition.broadcast()
                    return done.outputs
                }
                if inputEnded && sequence >= read { return nil }
                condition.wait()
            }
        }
    }

    /// No more items: the workers end once the queue is empty (or at once, the queue dropped).
    func close() {
        condition.withLock {
            closed = true
            queue.removeAll()
            queueHead = 0
            queuedWeight = 0
            condition.broadcast()
        }
    }

    /// A worker's loop: take a chunk, run the work on each item unlocked, post the results.
    func serve(_ work: (Item) -> Output) {
        while let (first, items, weight) = nextChunk() {
            let outputs = items.map(work)
            condition.withLock {
                finished[first] = (outputs, weight)
                condition.broadcast()
            }
        }
    }

    private func nextChunk() -> (first: Int, items: [Item], weight: Int)? {
        condition.withLock {
            while true {
                let queued = queue.count - queueHead
                if queued > 0 && (inputEnded || windowFull || current.isFull(queued: queued, queuedWeight: queuedWeight)) { break }
                if closed || (inputEnded && queued == 0) { return nil }
                condition.wait()
            }
            let queued = queue.count - queueHead
            let count = current.take(queued: queued, queuedWeight: queuedWeight, jobs: jobs, inputEnded: inputEnded,
                                   weights: queue[queueHead...].lazy.map(\.weight))
            let taken = queue[queueHead..<(queueHead + count)]
            let weight = taken.reduce(0) { $0 + $1.weight }
            let first = handedOut
            handedOut += count
            chunksHandedOut += 1
            queueHead += count
            queuedWeight -= weight
            return (first, taken.map(\.item), weight)
        }
    }
}
