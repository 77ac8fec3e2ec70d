import ArgumentParser
import Foundation
import FHIRModel
import MessageChecking

extension Validate {
    /// `dch validate --list-rules`: every registered rule id, its layer and what it checks.
    func listRuleIDs() throws {
        switch format {
        case .text:
            let width = ValidationRules.all.map(\.id.count).max() ?? 0
            let layerWidth = RuleLayer.allCases.map(\.rawValue.count).max() ?? 0
            var out = ""
            for rule in ValidationRules.all {
                out += rule.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + rule.layer.rawValue.padding(toLength: layerWidth, withPad: " ", startingAt: 0) + "  " + rule.summary + "\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        case .json:
            try writeJSONLines(ValidationRules.all)
        default:
            printError("error: --list-rules writes text or json, not \(format.rawValue)")
            throw ExitCode(2)
        }
    }
}
