import ChildHealthEvents
import EventBuilder

/// Turns the values a record gave, by target, into the builder's typed input: times parsed,
/// codings put together from their parts, measurements and the vaccination made.
struct MappingInputAssembler {
    let values: [MappingTarget: String]
    /// The source field each target came from, to name it in errors.
    let sourceOf: [MappingTarget: String]
    let location: String
    /// The profile of each instance that names one (``MappingDefinition/instanceProfiles``).
    var instanceProfiles: [String: String] = [:]

    func assemble() throws -> EventMessageInput {
        let birth = try time(.patient(.birth))!
        let patient = PatientDetails(
            nhsNumber: values[.patient(.nhsNumber)]!, given: values[.patient(.given)]!, family: values[.patient(.family)]!,
            gender: values[.patient(.gender)]!, birth: birth,
            address: PostalAddress(line: values[.patient(.addressLine)] ?? "", city: values[.patient(.city)] ?? "",
                                   postalCode: values[.patient(.postalCode)] ?? ""))
        let sender = OrganisationDetails(
            odsCode: values[.sender(.odsCode)]!, name: values[.sender(.name)]!,
            address: PostalAddress(line: values[.sender(.addressLine)] ?? "", city: values[.sender(.city)] ?? "",
                                   postalCode: values[.sender(.postalCode)] ?? ""),
            phone: values[.sender(.phone)] ?? "", asid: values[.sender(.asid)] ?? "")
        let practitioner = PractitionerDetails(sdsUserId: values[.practitioner(.sdsUserId)] ?? "",
                                               given: values[.practitioner(.given)] ?? "",
                                               family: values[.practitioner(.family)] ?? "")
        let occurred = try time(.occurred)!
        var type = MessageEventType.new
        if let t = values[.messageEventType] {
            guard let parsed = MessageEventType(rawValue: t) else { throw fault(.messageEventType, "'\(t)' is not new, update or delete") }
            type = parsed
        }
        var version: Int?
        if let v = values[.versionId] {
            guard let n = Int(v), n > 0 else { throw fault(.versionId, "'\(v)' is not a positive whole number") }
            version = n
        }
        var measurements: [Measurement] = []
        for kind in Measurement.Kind.allCases {
            guard let v = values[.measurement(kind)] else { continue }
            guard Self.isDecimal(v) else { throw fault(.measurement(kind), "'\(v)' is not a decimal number") }
            measurements.append(Measurement(kind: kind, value: v))
        }
        return EventMessageInput(
            messageEventType: type, patient: patient, sender: sender, practitioner: practitioner,
            occurred: occurred, sent: try time(.sent) ?? occurred, versionId: version, measurements: measurements,
            vaccination: try vaccination(), eventIdentifier: values[.eventIdentifier]!, elementValues: try elementValues())
    }

    private func vaccination() throws -> Vaccination? {
        let parts = MappingTarget.VaccinationPart.allCases
        guard parts.contains(where: { values[.vaccination($0)] != nil }) else { return nil }
        // The vaccine may come as an element value (a coding with its own system) instead.
        for needed in [MappingTarget.VaccinationPart.procedureCode] where values[.vaccination(needed)] == nil {
            throw fault(.vaccination(needed), "is needed with the vaccination's other values", missing: true)
        }
        return Vaccination(procedureCode: values[.vaccination(.procedureCode)]!, procedureDisplay: values[.vaccination(.procedureDisplay)] ?? "",
                           vaccineCode: values[.vaccination(.vaccineCode)] ?? "", vaccineDisplay: values[.vaccination(.vaccineDisplay)] ?? "",
                           lotNumber: values[.vaccination(.lotNumber)] ?? "")
    }

    /// Element values in a stable order: by the first target of each element, codings whole.
    private func elementValues() throws -> [ElementValue] {
        var result: [ElementValue] = []
        var codings: [String: (resource: String, instance: String, path: String, parts: [MappingTarget.CodingPart: String])] = [:]
        var order: [String] = []
        for (target, value) in values.sorted(by: { $0.key.text < $1.key.text }) {
            switch target {
            case let .elementText(r, i, p):
                result.append(ElementValue(resourceType: r, instance: i, path: p, value: .text(value), profile: instanceProfiles["\(r)[\(i)]"]))
            case let .elementCoding(r, i, p, part):
                let key = "\(r)[\(i)].\(p)"
                if codings[key] == nil { codings[key] = (r, i, p, [:]); order.append(key) }
                codings[key]!.parts[part] = value
            default: break
            }
        }
        for key in order {
            let c = codings[key]!
            guard let code = c.parts[.code], let system = c.parts[.system] else {
                let lacking: MappingTarget.CodingPart = c.parts[.code] == nil ? .code : .system
                throw fault(.elementCoding(resource: c.resource, instance: c.instance, path: c.path, part: lacking),
                            "is needed with the other parts of the coding \(key)", missing: true)
            }
            result.append(ElementValue(resourceType: c.resource, instance: c.instance, path: c.path,
                                       value: .coding(system: system, code: code, display: c.parts[.display]),
                                       profile: instanceProfiles["\(c.resource)[\(c.instance)]"]))
        }
        return result
    }

    /// A FHIR date or dateTime of a target as a time (UTC minutes), nil when the record has none.
    private func time(_ target: MappingTarget) throws -> FHIRTime? {
        guard let text = values[target] else { return nil }
        guard let t = Self.parseTime(text) else {
            throw fault(target, "'\(text)' is not a FHIR date (YYYY-MM-DD) or dateTime (YYYY-MM-DDThh:mm:ss+zz:zz)")
        }
        return t
    }

    /// `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDThh:mm[:ss[.fff]](Z|±hh:mm)` (converted to UTC).
    static func parseTime(_ s: String) -> FHIRTime? {
        let c = Array(s.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard c.count >= from + count else { return nil }
            var n = 0
            for b in c[from..<from + count] { guard b >= 48, b <= 57 else { return nil }; n = n * 10 + Int(b - 48) }
            return n
        }
        guard let y = num(0, 4), c.count >= 10, c[4] == 45, c[7] == 45, let m = num(5, 2), let d = num(8, 2),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        if c.count == 10 { return FHIRTime(year: y, month: m, day: d) }
        guard c[10] == 84, let h = num(11, 2), c.count >= 16, c[13] == 58, let mi = num(14, 2), h < 24, mi < 60 else { return nil }
        var i = 16
        if i < c.count, c[i] == 58 {
            guard num(i + 1, 2) != nil else { return nil }
            i += 3
            if i < c.count, c[i] == 46 { i += 1; while i < c.count, c[i] >= 48, c[i] <= 57 { i += 1 } }
        }
        var offset = 0
        if i < c.count, c[i] == 90 { i += 1 } else if i < c.count, c[i] == 43 || c[i] == 45 {
            guard let oh = num(i + 1, 2), c.count > i + 3, c[i + 3] == 58, let om = num(i + 4, 2) else { return nil }
            offset = (oh * 60 + om) * (c[i] == 45 ? -1 : 1)
            i += 6
        } else { return nil }
        guard i == c.count else { return nil }
        return FHIRTime(year: y, month: m, day: d, hour: h, minute: mi).adding(minutes: -offset)
    }

    static func isDecimal(_ s: String) -> Bool {
        let body = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    private func fault(_ target: MappingTarget, _ what: String, missing: Bool = false) -> MappingError {
        let field = sourceOf[target] ?? target.text
        return MappingError(location: location, message: "\(field) (\(target.text)): \(what)", missingFields: missing ? [field] : [],
                            faultyField: missing ? nil : field, kind: missing ? .missing : .badValue)
    }
}
