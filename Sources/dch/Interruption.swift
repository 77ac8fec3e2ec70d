import Foundation
import FHIRModel
#if canImport(Glibc)
import Glibc
#endif

/// Ends a run that SIGINT, SIGTERM or SIGHUP interrupts cleanly: the temporary files it was writing
/// are removed (so no partial output is left, visible or hidden), a line on stderr says so, and the
/// process exits with 128 + the signal's number, as a shell reports a killed command.
///
/// The signals are caught by Dispatch sources, not C handlers: the clean-up takes locks and
/// allocates, which a signal handler must not.
enum Interruption {
    /// What the message adds for the command that runs (`dch bulk`: how to resume).
    nonisolated(unsafe) static var advice: String?

    private static let queue = DispatchQueue(label: "dch.interruption")
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Catches the signals for the rest of the process.
    static func install() {
        for (signalNumber, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { end(signalNumber, name) }
            source.resume()
            sources.append(source)
        }
    }

    private static func end(_ signalNumber: Int32, _ name: String) {
        let removed = TemporaryFiles.removeAll()
        var line = "dch: interrupted (\(name)); "
        line += removed == 0 ? "no output was being written" : "\(removed) unfinished output\(removed == 1 ? "" : "s") removed"
        if let advice { line += "; " + advice }
        FileHandle.standardError.write(Data((line + "\n").utf8))
        _exit(128 + signalNumber)
    }
}
