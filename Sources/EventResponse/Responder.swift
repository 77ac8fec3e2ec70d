import Foundation
import FHIRModel
import FHIRConversion
import FHIRValidation
import MessageChecking

/// A built response: the Bundle, whether it accepts or rejects, and the errors it reports.
public struct MessageResponse: Sendable {
    /// Accepted (no errors) or rejected.
    public var verdict: ResponseVerdict
    /// The response Bundle (`EMS-Bundle-1`), ready for `Converter.write(_:format:pretty:)` (FHIRConversion).
    public var bundle: Element
    /// The errors (severity error or fatal) that the rejection lists; empty when accepted.
    public var errors: [Issue]
    /// The incoming message's format, when it could be detected (the natural output format).
    public var inputFormat: MessageFormat?
}

/// Answers event messages: reads one and checks it with a `MessageChecker` (MessageChecking: the
/// pipeline of `dch validate`: every layer, and the event rules when the checker has them), and
/// builds the EMS response (``ResponseBuilder``): accepted when the check finds no error, rejected
/// with an OperationOutcome of its errors otherwise. A message that cannot be read at all is
/// rejected too (reason `R08`), with the reading errors.
///
/// ```swift
/// let responder = Responder(checker: try MessageChecker())
/// let response = responder.respond(to: data, settings: ResponseSettings(
///     sourceEndpoint: "urn:nhs:addressing:asid:999000000009", odsCode: "X26"))
/// let bytes = try responder.checker.converter.write(response.bundle, format: .xml).bytes
/// ```
public struct Responder: Sendable {
    /// Reads and checks the incoming message.
    public let checker: MessageChecker

    /// A responder.
    public init(checker: MessageChecker) {
        self.checker = checker
    }

    /// The response to the message in `data` (`name` says where it came from, in the findings).
    /// Never throws: every problem of the message is a reason to reject it.
    public func respond(to data: Data, name: String = "-", settings: ResponseSettings) -> MessageResponse {
        let checked = checker.checkMessage(data, name: name)
        let errors = checked.report.issues.filter { $0.severity >= .error }
        let builder = ResponseBuilder(settings: settings)
        let bundle = builder.response(to: IncomingMessage(root: checked.root), errors: errors, readable: checked.root != nil,
                                      id: settings.id ?? UUID().uuidString.lowercased(),
                                      timestamp: settings.timestamp ?? ResponseSettings.now())
        return MessageResponse(verdict: errors.isEmpty ? .accepted : .rejected, bundle: bundle,
                               errors: errors, inputFormat: checked.format ?? MessageFormat.detect(data))
    }
}
