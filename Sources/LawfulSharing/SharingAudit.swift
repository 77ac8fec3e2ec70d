import Foundation

/// The audit of a sharing run as NDJSON: for each message one `message` record (event, consent,
/// shared or withheld, why) and one `decision` record per decision (rule, element path, action).
/// Records carry element paths, rule ids and codes only, never a value of the message; the input
/// is named as an ``AuditedInput`` says (by default its position and a keyed hash of its name).
public struct SharingAudit: Sendable {
    private let encoder: JSONEncoder

    /// An audit writer (sorted keys: the same run gives the same bytes).
    public init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    struct MessageRecord: Encodable {
        let record = "message"
        let input: Int
        let inputName: String?
        let inputHash: String?
        let message: Int
        let policy: String
        let recipient: String
        let event: String?
        let consent: String
        let outcome: String
        let reason: String?
        let linkage: String?
        let decisions: Int

        enum CodingKeys: String, CodingKey {
            case record, input, inputName = "input-name", inputHash = "input-hash", message, policy, recipient, event, consent,
                 outcome, reason, linkage, decisions
        }
    }

    struct DecisionRecord: Encodable {
        let record = "decision"
        let input: Int
        let inputName: String?
        let inputHash: String?
        let message: Int
        let rule: String
        let path: String
        let action: String
        let note: String?

        enum CodingKeys: String, CodingKey {
            case record, input, inputName = "input-name", inputHash = "input-hash", message, rule, path, action, note
        }
    }

    /// The NDJSON lines of one message's outcome (`message`: its index in its input, from 0).
    public func lines(for outcome: SharingOutcome, input: AuditedInput, message: Int, policy: SharingPolicy) throws -> Data {
        var out = Data()
        let head = MessageRecord(input: input.position, inputName: input.name, inputHash: input.nameHash, message: message,
                                 policy: policy.name, recipient: policy.recipient.rawValue, event: outcome.event, consent: outcome.consent.rawValue,
                                 outcome: outcome.root == nil ? "withheld" : "shared", reason: outcome.withheldReason,
                                 linkage: outcome.linkageToken?.basis.rawValue, decisions: outcome.decisions.count)
        out += try encoder.encode(head) + Data("\n".utf8)
        for d in outcome.decisions {
            out += try encoder.encode(DecisionRecord(input: input.position, inputName: input.name, inputHash: input.nameHash,
                                                     message: message, rule: d.rule, path: d.path,
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

/// How the audit names the input a message came from. Input files are often named after the
/// person (`smith-jane-2019-03-02.xml`), and the audit must hold nothing that identifies a child,
/// so by default (``hashed(_:position:using:)``) it records the input's position in the run and a
/// keyed hash of its name; ``named(_:position:)`` records the name as given, for inputs whose
/// names identify no one (batch numbers, dates).
public struct AuditedInput: Sendable, Equatable {
    /// The input's position among the run's inputs, from 1 (the audit's `input`).
    public let position: Int
    /// The name as given (`input-name`), only when the run asked for names.
    public let name: String?
    /// The keyed hash of the name (`input-hash`, ``KeyedTransforms/inputNameHash(_:)``), when
    /// the name is not recorded.
    public let nameHash: String?

    /// The input at `position` recorded by the keyed hash of its name.
    public static func hashed(_ name: String, position: Int, using transforms: KeyedTransforms) -> AuditedInput {
        AuditedInput(position: position, name: nil, nameHash: transforms.inputNameHash(name))
    }

    /// The input at `position` recorded by its name as given.
    public static func named(_ name: String, position: Int) -> AuditedInput {
        AuditedInput(position: position, name: name, nameHash: nil)
    }
}
