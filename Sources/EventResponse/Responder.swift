import Foundation
import FHIRModel
import FHIRConversion
import FHIRValidation

/// A built response: the Bundle, whether it accepts or rejects, and the errors it reports.
public struct EventResponse: Sendable {
    /// Accepted (no errors) or rejected.
    public var verdict: ResponseVerdict
    /// The response Bundle (`EMS-Bundle-1`), ready for ``FHIRConversion/Converter/write(_:format:pretty:)``.
    public var bundle: Element
    /// The errors (severity error or fatal) that the rejection lists; empty when accepted.
    public var errors: [Issue]
    /// The incoming message's format, when it could be detected (the natural output format).
    public var inputFormat: MessageFormat?
}

/// Answers event messages: reads one, validates it with every layer of the ``FHIRValidation/Validator``,
/// and builds the EMS response (``ResponseBuilder``): accepted when the validation finds no error,
/// rejected with an OperationOutcome of its errors otherwise. A message that cannot be read at all
/// is rejected too (reason `R08`), with the reading errors.
///
/// ```swift
/// let converter = try Converter()
/// let responder = Responder(converter: converter, validator: Validator(pack: converter.pack))
/// let response = responder.respond(to: data, settings: ResponseSettings(
///     sourceEndpoint: "urn:nhs:addressing:asid:999000000009", odsCode: "X26"))
/// let bytes = try converter.write(response.bundle, format: .xml).bytes
/// ```
public struct Responder: Sendable {
    /// Reads the incoming message.
    public let converter: Converter
    /// Validates it (use the default options: all layers).
    public let validator: Validator

    /// A responder.
    public init(converter: Converter, validator: Validator) {
        self.converter = converter
        self.validator = validator
    }

    /// The response to the message in `data`. Never throws: every problem of the message is a
    /// reason to reject it.
    public func respond(to data: Data, settings: ResponseSettings) -> EventResponse {
        let format = MessageFormat.detect(data)
        var root: Element?
        var issues: [Issue]
        do {
            let (decoded, detected) = try converter.read(data)
            root = decoded.root
            issues = decoded.issues + validator.validate(decoded.root, syntax: detected)
        } catch let error as IssuesError {
            issues = error.issues
        } catch {
            issues = [Issue(.fatal, .processing, rule: "io.read", "cannot read: \(error.localizedDescription)")]
        }
        let errors = issues.filter { $0.severity >= .error }
        let builder = ResponseBuilder(settings: settings)
        let bundle = builder.response(to: IncomingMessage(root: root), errors: errors, readable: root != nil,
                                      id: settings.id ?? UUID().uuidString.lowercased(),
                                      timestamp: settings.timestamp ?? ResponseSettings.now())
        return EventResponse(verdict: errors.isEmpty ? .accepted : .rejected, bundle: bundle,
                             errors: errors, inputFormat: format)
    }
}
