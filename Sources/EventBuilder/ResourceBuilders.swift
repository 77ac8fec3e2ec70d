import FHIRModel
import ChildHealthEvents

/// Realistic content for the resource types that carry the event's facts. Each builder writes what
/// a real sender would; ``ProfileCompleter`` then adds whatever the profile still requires.
struct ResourceBuilders {
    let input: EventMessageInput
    let links: MessageLinks

    /// The content of a draft by resource type (other types get only what their profile requires).
    func fill(_ draft: inout ResourceDraft, index: Int) {
        switch draft.type {
        case "Patient": patient(&draft, person: draft.role == .supporting ? (input.parent ?? input.patient) : input.patient)
        case "Organization": organisation(&draft, index == 0 ? input.sender : (input.receiver ?? input.sender))
        case "Practitioner": practitioner(&draft)
        case "PractitionerRole": practitionerRole(&draft)
        case "Location": location(&draft)
        case "HealthcareService": healthcareService(&draft)
        case "Encounter": encounter(&draft)
        case "Observation": observation(&draft, index: index)
        case "Immunization": immunization(&draft)
        case "EpisodeOfCare": episodeOfCare(&draft)
        case "Communication": communication(&draft)
        case "AllergyIntolerance":
            // ait-1: a clinical status whenever the verification status is not entered-in-error.
            draft.add(.primitive("clinicalStatus", "active"), .primitive("verificationStatus", "confirmed"))
        default: break
        }
    }

    private func patient(_ d: inout ResourceDraft, person: PatientDetails) {
        var identifier = Element.identifier(system: NHSNumber.system, value: person.nhsNumber)
        identifier.children.insert(.extensionElement(
            "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-NHSNumberVerificationStatus-1",
            [.concept("valueCodeableConcept", system: "https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1",
                      code: "01", display: "Number present and verified")]), at: 0)
        d.add(identifier,
              .group("name", [.primitive("use", "official"), .primitive("family", person.family), .primitive("given", person.given)]),
              .primitive("gender", person.gender),
              Element(name: "birthDate", value: person.birth.date, children: [
                  .extensionElement("http://hl7.org/fhir/StructureDefinition/patient-birthTime",
                                    [.primitive("valueDateTime", person.birth.dateTime)]),
              ]))
        add(person.address, use: "home", to: &d)
    }

    private func organisation(_ d: inout ResourceDraft, _ org: OrganisationDetails) {
        d.add(.identifier(system: ODSCode.organizationSystem, value: org.odsCode),
              .primitive("name", org.name))
        if !org.phone.isEmpty {
            d.add(.group("telecom", [.primitive("system", "phone"), .primitive("value", org.phone), .primitive("use", "work")]))
        }
        add(org.address, use: nil, to: &d)
    }

    private func practitioner(_ d: inout ResourceDraft) {
        let p = input.practitioner
        // A flat extract may not carry the professional: empty parts are left out (the completer
        // adds what the profile requires).
        if !p.sdsUserId.isEmpty { d.add(.identifier(system: "https://fhir.nhs.uk/Id/sds-user-id", value: p.sdsUserId)) }
        let parts = [("family", p.family), ("given", p.given)].filter { !$0.1.isEmpty }.map { Element.primitive($0.0, $0.1) }
        if !parts.isEmpty { d.add(.group("name", [.primitive("use", "official")] + parts)) }
    }

    private func practitionerRole(_ d: inout ResourceDraft) {
        if let p = links.practitioner { d.add(.reference("practitioner", p)) }
        if let o = links.sender { d.add(.reference("organization", o)) }
    }

    private func location(_ d: inout ResourceDraft) {
        d.add(.identifier(system: ODSCode.siteSystem, value: input.sender.odsCode + "01"),
              .primitive("status", "active"),
              .primitive("name", input.sender.name + " clinic"))
        add(input.sender.address, use: nil, to: &d)
        if let o = links.sender { d.add(.reference("managingOrganization", o)) }
    }

    private func healthcareService(_ d: inout ResourceDraft) {
        if let o = links.sender { d.add(.reference("providedBy", o)) }
        d.add(.primitive("name", input.sender.name + " child health service"))
        if !input.sender.phone.isEmpty {
            d.add(.group("telecom", [.primitive("system", "phone"), .primitive("value", input.sender.phone), .primitive("use", "work")]))
        }
    }

    private func encounter(_ d: inout ResourceDraft) {
        d.add(.identifier(system: "https://fhir.nhs.uk/Id/local-identifier", value: input.eventIdentifier),
              .primitive("status", "finished"))
        if let p = links.patient { d.add(.reference("subject", p)) }
        if let pr = links.practitioner { d.add(.group("participant", [Element.reference("individual", pr)])) }
        d.add(.group("period", [.primitive("start", input.occurred.dateTime),
                                .primitive("end", input.occurred.adding(minutes: 20).dateTime)]))
        if let l = links.location { d.add(.group("location", [Element.reference("location", l)])) }
        if let o = links.sender { d.add(.reference("serviceProvider", o)) }
    }

    private func observation(_ d: inout ResourceDraft, index: Int) {
        guard let m = measurement(for: d.profile, index: index) else {
            d.add(.primitive("status", "final"))
            subjectAndContext(&d, subject: "subject")
            return
        }
        d.add(.primitive("status", "final"))
        let generic = !(d.profile ?? "").contains("-DCH-")
        if generic {
            d.add(.concept("category", system: "http://hl7.org/fhir/observation-category", code: "vital-signs", display: "Vital Signs"))
            let (snomed, display, loinc) = MeasurementCodes.codes(m.kind)
            d.add(.group("code", [.coding(system: "http://snomed.info/sct", code: snomed, display: display),
                                  .coding(system: "http://loinc.org", code: loinc, display: nil)]))
        }
        subjectAndContext(&d, subject: "subject")
        d.add(.primitive("effectiveDateTime", input.occurred.dateTime))
        if let p = links.practitioner { d.add(.reference("performer", p)) }
        d.add(.group("valueQuantity", [.primitive("value", m.value), .primitive("unit", m.unit),
                                       .primitive("system", "http://unitsofmeasure.org"), .primitive("code", m.unit)]))
    }

    /// The measurement an Observation carries: by its profile, or the index-th measurement for a
    /// generic observation profile; nil for observations that are not measurements.
    private func measurement(for profile: String?, index: Int) -> Measurement? {
        let p = profile ?? ""
        if p.contains("-Weight-") { return input.measurements.first { $0.kind == .weight } }
        if p.contains("-Height-") { return input.measurements.first { $0.kind == .height || $0.kind == .length } }
        if p.contains("-Length-") { return input.measurements.first { $0.kind == .length || $0.kind == .height } }
        if p.contains("-HeadCircumference-") { return input.measurements.first { $0.kind == .headCircumference } }
        if p.hasSuffix("CareConnect-Observation-1"), !input.measurements.isEmpty {
            return input.measurements[index % input.measurements.count]
        }
        return nil
    }

    private func immunization(_ d: inout ResourceDraft) {
        guard let v = input.vaccination else { return }
        d.add(.extensionElement("https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-VaccinationProcedure-1",
                                [.concept("valueCodeableConcept", system: "http://snomed.info/sct", code: v.procedureCode, display: v.procedureDisplay)]),
              .identifier(system: "https://fhir.nhs.uk/Id/local-identifier", value: input.eventIdentifier),
              .primitive("status", "completed"),
              .primitive("notGiven", "false"))
        if !v.vaccineCode.isEmpty {
            d.add(.concept("vaccineCode", system: "http://snomed.info/sct", code: v.vaccineCode, display: v.vaccineDisplay))
        }
        if let p = links.patient { d.add(.reference("patient", p)) }
        if let e = links.encounter { d.add(.reference("encounter", e)) }
        d.add(.primitive("date", input.occurred.dateTime), .primitive("primarySource", "true"))
        if let l = links.location { d.add(.reference("location", l)) }
        if !v.lotNumber.isEmpty { d.add(.primitive("lotNumber", v.lotNumber)) }
        if let p = links.practitioner {
            d.add(.group("practitioner", [.concept("role", system: "http://hl7.org/fhir/v2/0443", code: "AP", display: "Administering Provider"),
                                          .reference("actor", p)]))
        }
    }

    private func episodeOfCare(_ d: inout ResourceDraft) {
        d.add(.identifier(system: "https://fhir.nhs.uk/Id/local-identifier", value: input.eventIdentifier),
              .primitive("status", "active"))
        if let p = links.patient { d.add(.reference("patient", p)) }
        if let o = links.sender { d.add(.reference("managingOrganization", o)) }
        d.add(.group("period", [.primitive("start", input.occurred.dateTime)]))
    }

    private func communication(_ d: inout ResourceDraft) {
        d.add(.primitive("status", "completed"))
        if let p = links.patient { d.add(.reference("subject", p)) }
        d.add(.primitive("sent", input.occurred.dateTime))
    }

    private func subjectAndContext(_ d: inout ResourceDraft, subject: String) {
        if let p = links.patient { d.add(.reference(subject, p)) }
        if let e = links.encounter { d.add(.reference("context", e)) }
    }

    /// The address's non-empty parts; none at all when every part is empty.
    private func add(_ a: PostalAddress, use: String?, to d: inout ResourceDraft) {
        var c: [Element] = []
        for (name, value) in [("line", a.line), ("city", a.city), ("postalCode", a.postalCode)] where !value.isEmpty {
            c.append(.primitive(name, value))
        }
        guard !c.isEmpty else { return }
        if let use { c.insert(.primitive("use", use), at: 0) }
        d.add(.group("address", c))
    }
}

/// SNOMED CT and LOINC codes of the growth measurements.
enum MeasurementCodes {
    static func codes(_ kind: Measurement.Kind) -> (snomed: String, display: String, loinc: String) {
        switch kind {
        case .weight: return ("27113001", "Body weight", "29463-7")
        case .height: return ("50373000", "Body height", "8302-2")
        case .length: return ("248334005", "Length of body", "8306-3")
        case .headCircumference: return ("363812007", "Head circumference", "8287-5")
        }
    }
}
