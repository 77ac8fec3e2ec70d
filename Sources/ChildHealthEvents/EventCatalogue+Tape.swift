import FHIRDefinitions

// The shipped catalogue read straight from a JSONTape, as the definition pack's records are: every
// `dch validate` reads all of it at start-up, and the generic `Codable` route cost three times as
// much. The members are those the types' `Codable` forms write; a test decodes the shipped file
// both ways and compares.

extension EventDefinition: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var name: String?, family: EventFamily?, eventCode: String?, eventDisplay: String?, eventSystem: String?
        var messageHeaderProfile: String?, bundleProfile: String?, messageEventTypeExtension: String?
        var messageEventTypeSystem: String?, allowed: [MessageEventType]?, resources: [EventResource]?
        var routing: String?, isLegacy: Bool?, hasPage: Bool?, rules: [EventRule]?, dataItems: [DataItemRequirement]?
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "name") { name = try tape.string(v) }
            else if tape.key(k, is: "family") { family = try Self.enumValue(tape, v) }
            else if tape.key(k, is: "eventCode") { eventCode = try tape.string(v) }
            else if tape.key(k, is: "eventDisplay") { eventDisplay = try tape.string(v) }
            else if tape.key(k, is: "eventSystem") { eventSystem = try tape.string(v) }
            else if tape.key(k, is: "messageHeaderProfile") { messageHeaderProfile = try tape.string(v) }
            else if tape.key(k, is: "bundleProfile") { bundleProfile = try tape.string(v) }
            else if tape.key(k, is: "messageEventTypeExtension") { messageEventTypeExtension = try tape.string(v) }
            else if tape.key(k, is: "messageEventTypeSystem") { messageEventTypeSystem = try tape.string(v) }
            else if tape.key(k, is: "allowedMessageEventTypes") { allowed = try tape.array(v) { try Self.enumValue(tape, $0) } }
            else if tape.key(k, is: "resources") { resources = try tape.array(v) }
            else if tape.key(k, is: "routingDemographicsExtension") { routing = try tape.string(v) }
            else if tape.key(k, is: "isLegacy") { isLegacy = try tape.bool(v) }
            else if tape.key(k, is: "hasPage") { hasPage = try tape.bool(v) }
            else if tape.key(k, is: "rules") { rules = try tape.array(v) }
            else if tape.key(k, is: "dataItems") { dataItems = try tape.array(v) }
        }
        func need<T>(_ value: T?, _ member: String) throws -> T {
            guard let value else { throw JSONTape.missing(member, in: o, of: tape) }
            return value
        }
        self.init(name: try need(name, "name"), family: try need(family, "family"), eventCode: try need(eventCode, "eventCode"),
                  eventDisplay: eventDisplay, eventSystem: try need(eventSystem, "eventSystem"),
                  messageHeaderProfile: try need(messageHeaderProfile, "messageHeaderProfile"),
                  bundleProfile: try need(bundleProfile, "bundleProfile"),
                  messageEventTypeExtension: try need(messageEventTypeExtension, "messageEventTypeExtension"),
                  messageEventTypeSystem: try need(messageEventTypeSystem, "messageEventTypeSystem"),
                  allowedMessageEventTypes: try need(allowed, "allowedMessageEventTypes"),
                  resources: try need(resources, "resources"), routingDemographicsExtension: routing,
                  isLegacy: try need(isLegacy, "isLegacy"), hasPage: try need(hasPage, "hasPage"),
                  rules: try need(rules, "rules"))
        self.dataItems = dataItems
    }

    static func enumValue<E: RawRepresentable>(_ tape: JSONTape, _ t: Int) throws -> E where E.RawValue == String {
        let text = try tape.string(t)
        guard let value = E(rawValue: text) else {
            throw JSONTape.error("unknown \(E.self) '\(text)'", at: Int(tape.tokens[t].start))
        }
        return value
    }
}

extension EventResource: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var type: String?, name: String?, profile: String?, min: Int?, max: String?, role: EventResourceRole?
        var deleteMin: Int?, deleteMax: String?, stated: Bool?
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "type") { type = try tape.string(v) }
            else if tape.key(k, is: "name") { name = try tape.string(v) }
            else if tape.key(k, is: "profile") { profile = try tape.string(v) }
            else if tape.key(k, is: "min") { min = try tape.int(v) }
            else if tape.key(k, is: "max") { max = try tape.string(v) }
            else if tape.key(k, is: "role") { role = try EventDefinition.enumValue(tape, v) }
            else if tape.key(k, is: "deleteMin") { deleteMin = try tape.int(v) }
            else if tape.key(k, is: "deleteMax") { deleteMax = try tape.string(v) }
            else if tape.key(k, is: "cardinalityStated") { stated = try tape.bool(v) }
        }
        func maximum(_ text: String?, _ member: String) throws -> Int {
            guard let text, let value = Self.parseMax(text) else { throw JSONTape.missing(member, in: o, of: tape) }
            return value
        }
        guard let type, let name, let profile, let min, let role, let stated else {
            throw JSONTape.missing("type, name, profile, min, role or cardinalityStated", in: o, of: tape)
        }
        self.init(type: type, name: name, profile: profile, min: min, max: try maximum(max, "max"), role: role,
                  deleteMin: deleteMin, deleteMax: try deleteMax.map { try maximum($0, "deleteMax") },
                  cardinalityStated: stated)
    }
}

extension EventRule: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var id: String?, text: String?
        try tape.forEachMember(of: o) { k, v in
            if tape.key(k, is: "id") { id = try tape.string(v) }
            else if tape.key(k, is: "text") { text = try tape.string(v) }
        }
        guard let id, let text else { throw JSONTape.missing("id or text", in: o, of: tape) }
        self.init(id: id, text: text)
    }
}

extension DataItemMapping: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var item: String?, target: String?, profileName: String?, path: String?, qualifier: String?
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "item") { item = try tape.string(v) }
            else if tape.key(k, is: "target") { target = try tape.string(v) }
            else if tape.key(k, is: "profileName") { profileName = try tape.string(v) }
            else if tape.key(k, is: "path") { path = try tape.string(v) }
            else if tape.key(k, is: "qualifier") { qualifier = try tape.string(v) }
        }
        guard let item, let target, let profileName, let path else {
            throw JSONTape.missing("item, target, profileName or path", in: o, of: tape)
        }
        self.init(item: item, target: target, profileName: profileName, path: path, qualifier: qualifier)
    }
}

extension DataItemRequirement.Step: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var kind: String?, name: String?, slice: String?, system: String?, url: String?
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "kind") { kind = try tape.string(v) }
            else if tape.key(k, is: "name") { name = try tape.string(v) }
            else if tape.key(k, is: "slice") { slice = try tape.string(v) }
            else if tape.key(k, is: "system") { system = try tape.string(v) }
            else if tape.key(k, is: "url") { url = try tape.string(v) }
        }
        guard let kind else { throw JSONTape.missing("kind", in: o, of: tape) }
        try self.init(kind: kind, name: name, slice: slice, system: system, url: url)
    }
}

extension DataItemRequirement: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var ruleID: String?, mapping: DataItemMapping?, profile: String?, resourceType: String?
        var steps: [Step]?, elementIDs: [String]?, choiceTypes: [String: String] = [:]
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "ruleID") { ruleID = try tape.string(v) }
            else if tape.key(k, is: "mapping") { mapping = try tape.decode(v) }
            else if tape.key(k, is: "profile") { profile = try tape.string(v) }
            else if tape.key(k, is: "resourceType") { resourceType = try tape.string(v) }
            else if tape.key(k, is: "steps") { steps = try tape.array(v) }
            else if tape.key(k, is: "elementIDs") { elementIDs = try tape.strings(v) }
            else if tape.key(k, is: "choiceTypes") {
                try tape.forEachMember(of: v) { ck, cv in choiceTypes[try tape.string(ck)] = try tape.string(cv) }
            }
        }
        guard let ruleID, let mapping, let profile, let resourceType, let steps, let elementIDs else {
            throw JSONTape.missing("ruleID, mapping, profile, resourceType, steps or elementIDs", in: o, of: tape)
        }
        self.init(ruleID: ruleID, mapping: mapping, profile: profile, resourceType: resourceType, steps: steps,
                  elementIDs: elementIDs, choiceTypes: choiceTypes)
    }
}

extension DataItemMapping {
    /// A mapping from its stored fields.
    init(item: String, target: String, profileName: String, path: String, qualifier: String?) {
        self.item = item; self.target = target; self.profileName = profileName; self.path = path
        self.qualifier = qualifier
    }
}
