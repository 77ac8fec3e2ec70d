import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Work over many inputs on several threads, with the results handed back in input order.
///
/// The calling thread takes items from the sequence and hands each result, in the items' order,
/// to `deliver`; `jobs` worker threads run `work` on the items in between. At most `window` items
/// are taken and not yet delivered, so memory stays bounded however many inputs there are: a slow
/// item holds the others back (a reorder buffer of at most `window` results) instead of letting
/// results pile up. With one job, or one item, everything runs on the calling thread.
enum InputOrderPipeline {
    /// Runs `work` over `items` on `jobs` threads and `deliver`s the results in order on the
    /// calling thread. An error thrown by `deliver` stops the workers and is rethrown.
    static func run<Items: Sequence, Output>(
        _ items: Items, jobs: Int, window: Int? = nil,
        work: @escaping @Sendable (Items.Element) -> Output,
        deliver: (Output) throws -> Void
    ) throws where Items.Element: Sendable, Output: Sendable {
        var iterator = items.makeIterator()
        guard jobs > 1, let first = iterator.next() else {
            while let item = iterator.next() { try deliver(work(item)) }
            return
        }
        guard let second = iterator.next() else { return try deliver(work(first)) }
        let exchange = Exchange<Items.Element, Output>(work: work)
        let threads = (0..<jobs).map { _ in WorkerThread { exchange.serve() } }
        defer {
            exchange.close()
            threads.forEach { $0.join() }
        }
        let window = max(window ?? jobs * 4, jobs)
        var taken = 0, delivered = 0
        var pendingItem: Items.Element? = first
        var lookahead: Items.Element? = second
        while true {
            if taken - delivered < window, let item = pendingItem {
                exchange.submit(item, sequence: taken)
                taken += 1
                pendingItem = lookahead ?? iterator.next()
                lookahead = nil
                continue
            }
            guard delivered < taken else { break }
            try deliver(exchange.result(delivered))
            delivered += 1
        }
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
    private let work: @Sendable (Item) -> Output

    init(work: @escaping @Sendable (Item) -> Output) {
        self.work = work
    }

    /// Queues an item for the workers.
    func submit(_ item: Item, sequence: Int) {
        condition.withLock {
            if queueHead > 64, queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            queue.append((sequence, item))
            condition.broadcast()
        }
    }

    /// Waits for the result of item `sequence` and takes it.
    func result(_ sequence: Int) -> Output {
        condition.withLock {
            while true {
                if let output = results.removeValue(forKey: sequence) { return output }
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
    func serve() {
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
