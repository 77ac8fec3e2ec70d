#if canImport(Glibc)
import Glibc
#endif

/// The CPUs this process may run on, from `sched_getaffinity(2)`: the one place where dch looks a
/// C function up by name and lends it memory.
enum CPUAffinity {
    /// How many CPUs the affinity mask allows (`taskset -c 0 dch ...` gives one); nil when the C
    /// library lacks the call or it fails.
    static var cores: Int? {
        // A GNU extension Swift's Glibc module does not declare: looked up, called with a mask of
        // 1,024 CPUs (glibc's cpu_set_t) lent for the call only.
        typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
        guard let symbol = unsafe dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity") else { return nil }
        var mask = [UInt64](repeating: 0, count: 16)
        let status = unsafe mask.withUnsafeMutableBytes {
            unsafe unsafeBitCast(symbol, to: GetAffinity.self)(0, $0.count, $0.baseAddress!)
        }
        let count = mask.reduce(0) { $0 + $1.nonzeroBitCount }
        return status == 0 && count > 0 ? count : nil
    }
}
