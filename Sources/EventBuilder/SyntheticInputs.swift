import ChildHealthEvents

/// Makes plausible, entirely synthetic inputs for an event: a child born in 2023–2024 with a test
/// NHS number (999 range, valid check digit), an event within the child's first 1000 days (at the
/// age the event usually happens: birth, blood spot on day 5–8, hearing in the first weeks, MMR
/// at about one year…), growth measurements on a smooth growth curve with some spread, synthetic
/// ODS codes (`Y` + 5 digits), SDS ids and ASIDs. The same random state gives the same inputs.
public enum SyntheticInputs {
    /// Inputs for one message of `event`.
    public static func make(for event: EventDefinition, using random: inout SeededRandom) -> EventMessageInput {
        let birth = FHIRTime(year: 2023, month: 1, day: 1).adding(days: random.int(in: 0...729), minutes: random.int(in: 0...1439))
        let ageDays = eventAge(event, using: &random)
        let occurred = FHIRTime(minutes: (birth.minutes / 1440 + ageDays) * 1440 + random.int(in: 8 * 60...17 * 60))
        let start = max(occurred, birth.adding(minutes: 30))
        let sent = start.adding(minutes: random.int(in: 5...720))
        let town = random.pick(SyntheticNames.towns)
        let female = random.chance(0.5)
        let family = random.pick(SyntheticNames.family)
        let child = PatientDetails(
            nhsNumber: SyntheticIdentity.nhsNumber(using: &random),
            given: random.pick(female ? SyntheticNames.givenFemale : SyntheticNames.givenMale),
            family: family, gender: female ? "female" : "male", birth: birth,
            address: address(town, using: &random))
        let mother = PatientDetails(
            nhsNumber: SyntheticIdentity.nhsNumber(using: &random), given: random.pick(SyntheticNames.givenFemale),
            family: family, gender: "female", birth: birth.adding(days: -random.int(in: 18 * 365...42 * 365)),
            address: child.address)
        let sender = organisation(town, kind: event.family == .nems ? "Health Centre" : "Hospitals NHS Trust", using: &random)
        let receiver = organisation(town, kind: "Child Health Records Department", using: &random)
        let practitioner = PractitionerDetails(sdsUserId: "9990" + SyntheticIdentity.digits(8, using: &random),
                                               given: random.pick(SyntheticNames.practitionerGiven),
                                               family: random.pick(SyntheticNames.practitionerFamily))
        let type = messageEventType(event, using: &random)
        return EventMessageInput(
            messageEventType: type, patient: child, parent: mother, sender: sender, receiver: receiver,
            practitioner: practitioner, occurred: start, sent: sent,
            versionId: type == .new ? nil : random.int(in: 2...4),
            measurements: measurements(ageDays: ageDays, using: &random),
            vaccination: isVaccination(event) ? mmr(ageDays: ageDays, using: &random) : nil,
            eventIdentifier: "EV-" + SyntheticIdentity.digits(9, using: &random))
    }

    /// Age in days at which the event happens.
    static func eventAge(_ event: EventDefinition, using random: inout SeededRandom) -> Int {
        let name = event.name.lowercased()
        if name.contains("birth") { return 0 }
        if name.contains("blood spot") { return random.int(in: 5...8) }
        if name.contains("hearing") { return random.int(in: 1...28) }
        if name.contains("nipe") || name.contains("physical examination") {
            return random.chance(0.5) ? random.int(in: 0...3) : random.int(in: 42...56)
        }
        if isVaccination(event) { return random.int(in: 365...420) }
        return random.int(in: 0...1000)
    }

    static func isVaccination(_ event: EventDefinition) -> Bool {
        let name = event.name.lowercased()
        return name.contains("vaccination") || name.contains("immunisation")
    }

    /// Mostly `new`; `update` and `delete` where the event allows them.
    static func messageEventType(_ event: EventDefinition, using random: inout SeededRandom) -> MessageEventType {
        let allowed = event.allowedMessageEventTypes
        let roll = random.int(in: 0...9)
        if roll == 9, allowed.contains(.delete) { return .delete }
        if roll >= 7, allowed.contains(.update) { return .update }
        return allowed.contains(.new) ? .new : allowed[0]
    }

    /// Weight, length (height after two years) and head circumference at an age, on smooth
    /// curves close to the UK-WHO medians (3.4 kg / 50 cm / 35 cm at birth; about 12.5 kg / 92 cm
    /// / 48 cm at 1000 days), each with a few per cent of spread.
    static func measurements(ageDays: Int, using random: inout SeededRandom) -> [Measurement] {
        let d = Double(ageDays)
        let weight = (3.4 + 6.5 * (1 - exp(-d / 200)) + 0.0026 * d) * spread(0.10, &random)
        let length = (50 + 30 * (1 - exp(-d / 250)) + 0.012 * d) * spread(0.04, &random)
        let head = (35 + 12.5 * (1 - exp(-d / 180))) * spread(0.03, &random)
        return [
            Measurement(kind: .weight, value: decimal(weight, places: 3)),
            Measurement(kind: ageDays >= 730 ? .height : .length, value: decimal(length, places: 1)),
            Measurement(kind: .headCircumference, value: decimal(head, places: 1)),
        ]
    }

    /// MMR first dose at about one year (SNOMED CT procedure and the Priorix product).
    static func mmr(ageDays: Int, using random: inout SeededRandom) -> Vaccination {
        var lot = ""
        for _ in 0..<2 { lot.append(random.pick(Array("ABCDEFGHJKLMNPRSTUVWXYZ"))) }
        lot += SyntheticIdentity.digits(2, using: &random)
        for _ in 0..<2 { lot.append(random.pick(Array("ABCDEFGHJKLMNPRSTUVWXYZ"))) }
        lot += SyntheticIdentity.digits(3, using: &random)
        return Vaccination(procedureCode: "170431005", procedureDisplay: "Measles mumps and rubella vaccination - first dose",
                           vaccineCode: "34925411000001109",
                           vaccineDisplay: "Priorix vaccine powder and solvent for solution for injection 0.5ml pre-filled syringes (GlaxoSmithKline UK Ltd) 1 pre-filled disposable injection",
                           lotNumber: lot)
    }

    private static func spread(_ fraction: Double, _ random: inout SeededRandom) -> Double {
        1 + fraction * (Double(random.int(in: -1000...1000)) / 1000)
    }

    /// A decimal lexeme with a fixed number of places (no Foundation formatting: locale-free).
    static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let n = Int((value * Double(scale)).rounded())
        let whole = n / scale, frac = n % scale
        guard places > 0 else { return String(whole) }
        let f = String(frac)
        return "\(whole)." + String(repeating: "0", count: places - f.count) + f
    }

    private static func address(_ town: (town: String, districts: [String], phone: String), using random: inout SeededRandom) -> PostalAddress {
        PostalAddress(line: "\(random.int(in: 1...120)) \(random.pick(SyntheticNames.streets))", city: town.town,
                      postalCode: "\(random.pick(town.districts)) \(random.int(in: 1...9))XX")
    }

    private static func organisation(_ town: (town: String, districts: [String], phone: String), kind: String,
                                     using random: inout SeededRandom) -> OrganisationDetails {
        let word = random.pick(SyntheticNames.practiceWords)
        return OrganisationDetails(
            odsCode: SyntheticIdentity.odsOrganisationCode(using: &random),
            name: "\(word.uppercased()) \(kind.uppercased())",
            address: address(town, using: &random),
            phone: "\(town.phone) \(SyntheticIdentity.digits(4, using: &random))",
            asid: "9990" + SyntheticIdentity.digits(8, using: &random))
    }
}

/// e^x without Foundation (the curves need only moderate precision; a series is deterministic
/// across platforms, which `exp` from the C library does not promise to the last bit).
private func exp(_ x: Double) -> Double {
    // Range reduction: e^x = (e^(x/2^k))^(2^k).
    var k = 0
    var y = x
    while abs(y) > 0.5 { y /= 2; k += 1 }
    var term = 1.0, sum = 1.0
    for n in 1...20 { term *= y / Double(n); sum += term }
    for _ in 0..<k { sum *= sum }
    return sum
}
