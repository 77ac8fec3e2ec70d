import ArgumentParser

/// A command whose trailing arguments are its input files (`dch validate a.xml b.xml …`).
protocol TrailingInputs: ParsableCommand {
    var inputs: [String] { get set }
}

extension Convert: TrailingInputs {}
extension Validate: TrailingInputs {}
extension Inspect: TrailingInputs {}
extension FHIRPathCommand: TrailingInputs {}

/// Parses the command line with ArgumentParser, whose time grows with the square of the
/// argument count (about 0.5 s for 1,000 file names, more than converting them): a long run of
/// trailing input names is held back, the options are parsed with the first two names of the run,
/// and the rest are appended to the command's inputs.
///
/// The first two names decide what the run is: when the parsed inputs end with the second one,
/// every name from there on is an input (the first may have been an option's value, `-o OUT`).
/// Anything else (a `--` separator, a command without trailing inputs) is parsed whole. The
/// command is validated again with all its inputs.
enum CommandLineParser {
    /// Below this many arguments, parsing whole costs less than a millisecond.
    static let wholeParseLimit = 64

    static func parse(_ arguments: [String]) throws -> ParsableCommand {
        guard arguments.count > wholeParseLimit, !arguments.contains("--") else {
            return try DCH.parseAsRoot(arguments)
        }
        var runStart = arguments.count
        while runStart > 0, !arguments[runStart - 1].hasPrefix("-") { runStart -= 1 }
        guard arguments.count - runStart > 2 else { return try DCH.parseAsRoot(arguments) }
        let head = Array(arguments[..<(runStart + 2)])
        guard var command = try DCH.parseAsRoot(head) as? TrailingInputs,
              command.inputs.last == arguments[runStart + 1] else {
            return try DCH.parseAsRoot(arguments)
        }
        command.inputs += arguments[(runStart + 2)...]
        // ArgumentParser validated the command with two inputs; validate it with all of them.
        try command.validate()
        return command
    }
}
