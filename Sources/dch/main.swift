import ArgumentParser
import Foundation

// Exit codes are dch's own: 0 ok, 1 an input failed, 2 usage or I/O error. ArgumentParser uses 64
// for usage errors, so map it.
Interruption.install()
do {
    var command = try CommandLineParser.parse(Array(CommandLine.arguments.dropFirst()))
    try command.run()
} catch {
    let code = DCH.exitCode(for: error)
    if code == .validationFailure {
        FileHandle.standardError.write(Data((DCH.fullMessage(for: error) + "\n").utf8))
        exit(2)
    }
    DCH.exit(withError: error)
}
