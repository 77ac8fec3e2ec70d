import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
/// Items travel in batches of up to `batch` items (and about a megabyte by `weight`): a hand-over
/// between threads costs a lock and a wake-up or two, as much as converting a small message, so
/// one per message would keep two cores waiting on each other. A batch waits for its last item,
/// so a reader of a pipe that must see each result at once (a filter) asks for batches of one.
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
    /// counts batches.
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
        let batches = Batches(items: items, size: max(batch, 1), weight: weight, limit: batchWeight)
        try runBatches(batches, workers: workers.map { work in { $0.map(work) } }, window: window) { outputs in
            for output in outputs { try deliver(output) }
        }
    }

    /// The state of `jobs` workers: `first`, then copies of it made by `copy` (at least one).
    public static func perWorker<State>(_ jobs: Int, first: State, copy: (State) throws -> State) rethrows -> [State] {
        var states = [first]
        while states.count < jobs { states.append(try copy(first)) }
        return states
    }

    private static func runBatches<Items: Sequence, Output>(
        _ items: Items, workers: [@Sendable (Items.Element) -> Output], window: Int?,
        deliver: (Output) throws -> Void
    ) throws where Items.Element: Sendable, Output: Sendable {
        let jobs = workers.count
        let exchange = Exchange<Items.Element, Output>(window: max(window ?? jobs * 4, jobs))
        let threads = workers.map { work in WorkerThread { exchange.serve(work) } }
        defer {
            exchange.close()
            threads.forEach { $0.join() }
        }
        // The reader is not joined: after a failed delivery it may still wait on input that never
        // comes, and it stops at its next item anyway (the exchange is closed).
        let reader = UncheckedBox(items)
        WorkerThread.detached { exchange.read(reader.take()) }
        var delivered = 0
        while let output = exchange.result(delivered) {
            try deliver(output)
            delivered += 1
        }
    }
}

/// The items of a sequence in runs of up to `size` items and about `limit` by `weight`.
private struct Batches<Items: Sequence>: Sequence, IteratorProtocol {
    private var iterator: Items.Iterator
    private let size: Int
    private let weight: ((Items.Element) -> Int)?
    private let limit: Int

    init(items: Items, size: Int, weight: ((Items.Element) -> Int)?, limit: Int) {
        iterator = items.makeIterator()
        self.size = size
        self.weight = weight
        self.limit = limit
    }

    mutating func next() -> [Items.Element]? {
        var batch: [Items.Element] = []
        var total = 0
        while batch.count < size, total < limit, let item = iterator.next() {
            total += weight?(item) ?? 0
            batch.append(item)
        }
        return batch.isEmpty ? nil : batch
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

/// The state the calling thread and the workers share: items to do, results not yet delivered.
private final class Exchange<Item: Sendable, Output: Sendable>: @unchecked Sendable {
    // Every stored property below is read and written with `condition` locked.
    private let condition = NSCondition()
    private var queue: [(sequence: Int, item: Item)] = []
    private var queueHead = 0
    private var results: [Int: Output] = [:]
    private var closed = false
    /// Items taken from the sequence so far, and results taken by the calling thread.
    private var taken = 0, delivered = 0
    /// True once the reader has taken the sequence's last item.
    private var inputEnded = false
    private let window: Int

    init(window: Int) {
        self.window = window
    }

    /// The reader's loop: takes each item once fewer than `window` are undelivered.
    func read<Items: Sequence>(_ items: Items) where Items.Element == Item {
        var iterator = items.makeIterator()
        while true {
            let open = condition.withLock {
                while !closed && taken - delivered >= window { condition.wait() }
                return !closed
            }
            guard open else { return }
            guard let item = iterator.next() else { break }
            condition.withLock {
                submitLocked(item, sequence: taken)
                taken += 1
            }
        }
        condition.withLock {
            inputEnded = true
            condition.broadcast()
        }
    }

    /// Queues an item for the workers (with `condition` locked).
    private func submitLocked(_ item: Item, sequence: Int) {
        if queueHead > 64, queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        queue.append((sequence, item))
        condition.broadcast()
    }

    /// Waits for the result of item `sequence` and takes it; nil once every item is delivered.
    func result(_ sequence: Int) -> Output? {
        condition.withLock {
            while true {
                if let output = results.removeValue(forKey: sequence) {
                    delivered = sequence + 1
                    condition.broadcast()
                    return output
                }
                if inputEnded && sequence >= taken { return nil }
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
            condition.broadcast()
        }
    }

    /// A worker's loop: take an item, run the work unlocked, post the result.
    func serve(_ work: (Item) -> Output) {
        while let (sequence, item) = next() {
            let output = work(item)
            condition.withLock {
                results[sequence] = output
                condition.broadcast()
            }
        }
    }

    private func next() -> (Int, Item)? {
        condition.withLock {
            while queueHead == queue.count {
                if closed { return nil }
                condition.wait()
            }
            defer { queueHead += 1 }
            return queue[queueHead]
        }
    }
}

/// A joinable thread with the main thread's stack size (deeply nested messages recurse as far as
/// they would on the main thread).
private final class WorkerThread {
    private var thread = pthread_t()

    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Runs `body` on a thread nobody joins.
    static func detached(_ body: @escaping () -> Void) {
        let thread = WorkerThread(body)
        pthread_detach(thread.thread)
    }

    init(_ body: @escaping () -> Void) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, Self.stackSize)
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let status = pthread_create(&thread, &attributes, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        precondition(status == 0, "cannot start a worker thread: \(String(cString: strerror(status)))")
    }

    func join() {
        pthread_join(thread, nil)
    }

    /// The main thread's stack limit (`ulimit -s`), 8 MB when unlimited or unknown.
    private static let stackSize: Int = {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_STACK.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max, limit.rlim_cur >= 1 << 20 else {
            return 8 << 20
        }
        return Int(min(limit.rlim_cur, 1 << 30))
    }()
}
