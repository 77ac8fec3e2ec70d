import FHIRDefinitions

extension DirectXMLEmitter {
    /// Appends the children of object `o` to `members`: each property resolved with `table` (by its
    /// UTF-8 bytes), sorted by definition order (stable), `name` and `_name` merged. What the tree
    /// reader takes out of the object by its role is returned instead: `id` (any object but a
    /// resource), `url` (an extension item) and `fhir_comments`. Bails on an empty object, a
    /// duplicate property, a misplaced `resourceType`, an escaped or unknown name, two choices of
    /// one element, and on attributes that are not strings.
    static func collectMembers(_ o: Int, p: [UInt8], t: [JSONToken],
                               table: ChildTable?, role: DirectObjectRole,
                               into members: inout [DirectMember]) throws -> DirectSpecials {
        guard t[o].kind == .object, t[o].length > 0, let table else { throw DirectBail() }
        let base = members.count
        var specials = DirectSpecials()
        var k = o + 1
        let stop = Int(t[o].next)
        while k < stop {
            let key = t[k]
            let v = k + 1
            k = Int(t[v].next)
            guard key.flags == 0, key.length > 0 else { throw DirectBail() }
            let name = Int(key.start)
            let n = Int(key.length)
            // The properties the tree reader does not turn into children.
            switch n {
            case 2 where role != .resource && isKey(key, "id", p):
                guard specials.id < 0, t[v].kind == .string else { throw DirectBail() }
                specials.id = v
                continue
            case 3 where role == .extensionItem && isKey(key, "url", p):
                guard specials.url < 0, t[v].kind == .string else { throw DirectBail() }
                specials.url = v
                continue
            case 12 where isKey(key, "resourceType", p):
                guard role == .resource else { throw DirectBail() }
                continue  // checked and used by the caller
            case 13 where isKey(key, "fhir_comments", p):
                guard specials.comments < 0, t[v].kind == .array, t[v].length > 0 else { throw DirectBail() }
                specials.comments = v
                continue
            default:
                break
            }
            let isMeta = n > 1 && p[name] == UInt8(ascii: "_")
            let bytes = p.span.extracting((isMeta ? name + 1 : name) ..< name + n)
            guard let found = table[utf8: bytes] else { throw DirectBail() }
            let order = found.order
            if isMeta && role != .resource && n == 3 && p[name + 1] == UInt8(ascii: "i") && p[name + 2] == UInt8(ascii: "d") {
                throw DirectBail()  // `_id` beside an Element.id: the tree reader's error
            }
            members.append(DirectMember(info: found, order: order, value: isMeta ? -1 : v, meta: isMeta ? v : -1))
        }
        // Insertion sort (stable) by definition order: objects have few properties, mostly in order.
        var i = base + 1
        while i < members.count {
            let m = members[i]
            var j = i
            while j > base && members[j - 1].order > m.order {
                members[j] = members[j - 1]
                j -= 1
            }
            members[j] = m
            i += 1
        }
        // Merge `name` with `_name` (now neighbours). Any other pair of equal order is a duplicate or
        // two choices of one element (`valueString` and `valueCode`): rare, left to the tree path.
        var w = base
        i = base
        while i < members.count {
            let m = members[i]
            if w > base && members[w - 1].order == m.order {
                guard members[w - 1].info === m.info else { throw DirectBail() }
                if m.value >= 0 {
                    guard members[w - 1].value < 0 else { throw DirectBail() }
                    members[w - 1].value = m.value
                } else {
                    guard members[w - 1].meta < 0 else { throw DirectBail() }
                    members[w - 1].meta = m.meta
                }
            } else {
                members[w] = m
                w += 1
            }
            i += 1
        }
        members.removeLast(members.count - w)
        return specials
    }
}

/// The properties of an object that are not children (token indices, -1 when absent).
struct DirectSpecials {
    /// `Element.id`: the `id` attribute.
    var id = -1
    /// `Extension.url`: the `url` attribute.
    var url = -1
    /// `fhir_comments`: an array of strings written as XML comments before the element.
    var comments = -1
}
