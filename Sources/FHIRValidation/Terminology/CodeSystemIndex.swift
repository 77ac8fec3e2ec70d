import FHIRDefinitions

/// A CodeSystem of the pack compiled for lookups: its codes by key, their displays, and its
/// hierarchy both ways (the pack flattens nested concepts, each with its parent).
///
/// Immutable once built, so it is shared between threads without a lock.
public final class CodeSystemIndex: Sendable {
    /// Canonical URL.
    public let url: String
    /// Computer-friendly name, when the CodeSystem has one.
    public let name: String?
    /// True when the pack holds every concept (`content` = `complete`): only then is a code that
    /// is not found known to be wrong.
    public let isComplete: Bool
    /// `CodeSystem.content` as the source gives it (`complete`, `fragment`, `not-present`…).
    public let content: String?
    /// `CodeSystem.caseSensitive`; when the definition does not say, codes are accepted in any case
    /// (the spec's advice: follow Postel's law).
    public let isCaseSensitive: Bool
    /// Every distinct code, in definition order.
    let codes: [String]
    let displays: [String?]
    /// Children of each code (indices into ``codes``); a code may sit under several parents.
    let children: [[Int]]
    private let indexByKey: [String: Int]
    /// ``indexByKey`` for lookups (each code of a message is looked up here).
    private let table: CodeKeyTable

    /// Compiles a pack record.
    public init(_ record: CodeSystemRecord) {
        url = record.url
        name = record.name
        content = record.content
        isComplete = record.content == "complete"
        isCaseSensitive = record.caseSensitive ?? false
        var codes: [String] = []
        var displays: [String?] = []
        var byKey: [String: Int] = [:]
        var parentLinks: [(parent: String, child: Int)] = []
        for concept in record.concepts ?? [] {
            let key = isCaseSensitive ? concept.code : concept.code.lowercased()
            let index: Int
            if let known = byKey[key] {
                index = known
            } else {
                index = codes.count
                byKey[key] = index
                codes.append(concept.code)
                displays.append(concept.display)
            }
            if let parent = concept.parent { parentLinks.append((parent, index)) }
        }
        var children = [[Int]](repeating: [], count: codes.count)
        for link in parentLinks {
            let key = isCaseSensitive ? link.parent : link.parent.lowercased()
            if let p = byKey[key], !children[p].contains(link.child) { children[p].append(link.child) }
        }
        self.codes = codes
        self.displays = displays
        self.children = children
        self.indexByKey = byKey
        let caseSensitive = isCaseSensitive
        self.table = CodeKeyTable(codes.map { caseSensitive ? $0 : $0.lowercased() })
    }

    /// The key a code is compared by in this system (lower case when the system is not case sensitive).
    @inline(__always)
    func key(_ code: String) -> String {
        isCaseSensitive ? code : code.lowercased()
    }

    /// Index of a code, compared as the system says.
    func index(of code: String) -> Int? {
        table.index(of: key(code))
    }

    /// True when the system defines this code.
    public func contains(_ code: String) -> Bool {
        index(of: code) != nil
    }

    /// The display the system gives a code, when it gives one.
    public func display(of code: String) -> String? {
        index(of: code).flatMap { displays[$0] }
    }

    /// A code and everything below it (or only below it), as keys. Iterative, so a cyclic
    /// hierarchy in a hostile pack ends.
    func subsumed(by code: String, includingSelf: Bool) -> Set<String> {
        guard let root = index(of: code) else { return [] }
        var seen: Set<Int> = [root]
        var stack = [root]
        var out: Set<String> = includingSelf ? [key(codes[root])] : []
        while let next = stack.popLast() {
            for c in children[next] where seen.insert(c).inserted {
                out.insert(key(codes[c]))
                stack.append(c)
            }
        }
        return out
    }

    /// Every code, as keys.
    var allKeys: Set<String> { Set(indexByKey.keys) }
}
