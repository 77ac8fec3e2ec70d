import FHIRModel
#if canImport(Glibc)
import Glibc
#endif

/// A joinable thread with the main thread's stack size (deeply nested messages recurse as far as
/// they would on the main thread), for ``InputOrderPipeline``. Foundation's `Thread` cannot be
/// joined, so this is the one place where MessageStreams calls pthread: the body is handed to the
/// new thread as a retained pointer, taken back (released) by the thread itself.
final class WorkerThread {
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
        unsafe pthread_attr_init(&attributes)
        defer { unsafe pthread_attr_destroy(&attributes) }
        unsafe pthread_attr_setstacksize(&attributes, Self.stackSize)
        let context = unsafe Unmanaged.passRetained(Body(body)).toOpaque()
        let status = unsafe pthread_create(&thread, &attributes, { context in
            let body = unsafe Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        precondition(status == 0, "cannot start a worker thread: \(POSIXFile.describe(status))")
    }

    func join() {
        pthread_join(thread, nil)
    }

    /// The main thread's stack limit (`ulimit -s`), 8 MB when unlimited or unknown.
    private static let stackSize: Int = {
        var limit = rlimit()
        guard unsafe getrlimit(__rlimit_resource_t(RLIMIT_STACK.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max, limit.rlim_cur >= 1 << 20 else {
            return 8 << 20
        }
        return Int(min(limit.rlim_cur, 1 << 30))
    }()
}
