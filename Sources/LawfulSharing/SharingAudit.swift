import Foundation

/// The audit of a sharing run as NDJSON: for each message one `message` record (event, consent,
/// shared or withheld, why) and one `decision` record per decision (rule, element path, action).
/// Records carry element paths, rule ids and codes only, never a value of the message.
public struct SharingAudit {
    private let encoder: JSONEncoder

    /// An audit writer (sorted keys: the same run gives the same bytes).
    public init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    struct MessageRecord: Encodable {
        let record = "message"
        let input: String
        let message: Int
        let policy: String
        let recipient: String
        let event: String?
        let consent: String
        let outcome: String
        let reason: String?
        let linkage: String?
        let decisions: Int
    }

    struct DecisionRecord: Encodable {
        let record = "decision"
        let input: String
        let message: Int
        let rule: String
        let path: String
        let action: String
        let note: String?
    }

    /// The NDJSON lines of one message's outcome.
    public func lines(for outcome: SharingOutcome, input: String, message: Int, policy: SharingPolicy) throws -> Data {
        var out = Data()
        let head = MessageRecord(input: input, message: message, policy: policy.name, recipient: policy.recipient.rawValue,
                                 event: outcome.event, consent: outcome.consent.rawValue,
                                 outcome: outcome.root == nil ? "withheld" : "shared", reason: outcome.withheldReason,
                                 linkage: outcome.linkageToken?.basis.rawValue, decisions: outcome.decisions.count)
        out += try encoder.encode(head) + Data("\n".utf8)
        for d in outcome.decisions {
            out += try encoder.encode(DecisionRecord(input: input, message: message, rule: d.rule, path: d.path,
                                                     action: d.action, note: d.note)) + Data("\n".utf8)
        }
        return out
    }

    /// `--explain`: what the policy does to a message, for a person.
    public static func explanation(of outcome: SharingOutcome, input: String, message: Int, policy: SharingPolicy) -> String {
        var text = "\(input)#\(message): " + (outcome.root == nil ? "WITHHELD (\(outcome.withheldReason ?? "?"))" : "shared")
        text += " under the policy \(policy.name) (\(policy.recipient.rawValue); lawful basis \(policy.lawfulBasis.article6) "
            + "\(LawfulBasis.article6Conditions[policy.lawfulBasis.article6] ?? ""), \(policy.lawfulBasis.article9) "
            + "\(LawfulBasis.article9Conditions[policy.lawfulBasis.article9] ?? ""))\n"
        text += "  event \(outcome.event ?? "-"), consent \(outcome.consent.rawValue)"
            + (outcome.linkageToken.map { ", linkage token from the \($0.basis.rawValue)" } ?? "") + "\n"
        let width = max(12, outcome.decisions.map(\.action.count).max() ?? 0)
        for d in outcome.decisions {
            text += "  " + d.action.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + d.path
                + "  [" + d.rule + "]" + (d.note.map { " " + $0 } ?? "") + "\n"
        }
        return text
    }
}
