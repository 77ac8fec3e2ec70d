import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRXML
import FHIRJSON

/// Thrown inside the direct conversion when the input is anything it does not handle exactly as the
/// tree path would; the caller then converts through the element tree, which reports errors.
/// `line` and `file` say where it gave up (for tests and diagnosis only).
struct DirectBail: Error {
    var line: Int
    var file: String

    init(line: Int = #line, file: String = #fileID) {
        self.line = line
        self.file = file
    }
}

/// FHIR JSON -> XML without building the ``Element`` tree: the fast path of
/// ``Converter/convert(_:from:to:pretty:)``.
///
/// Pass 1 tokenizes the input into one flat array (``JSONTokenizer``); pass 2 (``DirectXMLEmitter``)
/// walks the tokens from the root object with the definition pack and writes the XML the tree
/// writer would write, byte for byte. Whatever is unusual (errors, warnings, `null`, comments,
/// unknown names, values of the wrong JSON kind, empty values, …) makes it give up and return nil,
/// so that the tree path produces the result and every message; giving up writes nothing.
enum DirectJSONToXML {
    /// The XML document, or nil when the tree path must convert this input.
    static func convert(_ data: Data, pack: DefinitionPack, pretty: Bool,
                        cache: DirectContextCache = DirectContextCache()) -> [UInt8]? {
        try? attempt(data, pack: pack, pretty: pretty, cache: cache)
    }

    /// ``convert(_:pack:pretty:)``, throwing where it gave up.
    static func attempt(_ data: Data, pack: DefinitionPack, pretty: Bool,
                        cache: DirectContextCache = DirectContextCache()) throws -> [UInt8] {
        try attemptMessage(data, pack: pack, pretty: pretty, cache: cache).bytes
    }

    /// ``attempt(_:pack:pretty:cache:)`` with the message's event code (``MessageEvent``).
    static func attemptMessage(_ data: Data, pack: DefinitionPack, pretty: Bool,
                               cache: DirectContextCache = DirectContextCache(),
                               limits: ReadLimits = ReadLimits()) throws -> (bytes: [UInt8], event: String?) {
        guard !data.isEmpty else { throw DirectBail() }
        let p = [UInt8](data)
        // Within the reader's limits only: beyond them, the tree path reports the limit.
        guard let tokens = JSONTokenizer.tokenize(p, limits: limits) else { throw DirectBail() }
        let known = cache.snapshot
        var emitter = DirectXMLEmitter(p: p, t: tokens, pack: pack, pretty: pretty, contexts: known)
        defer {
            if emitter.contexts.children.count > known.children.count
                || emitter.contexts.resources.count > known.resources.count {
                cache.merge(emitter.contexts)
            }
        }
        do {
            try emitter.writeDocument()
        } catch {
            emitter.out.free()
            throw error
        }
        return (emitter.out.finish(), MessageEvent.code(tokens: tokens, text: p))
    }
}

/// The type contexts the direct conversion looked up, kept across conversions by one ``Converter``
/// (its pack never changes), so that a message pays only for dictionary hits. Each conversion works
/// on a copy and merges what it added at the end: no lock per lookup.
final class DirectContextCache: @unchecked Sendable {
    struct Entries {
        /// Contexts of complex, backbone and primitive children by their definition (kept with the
        /// key's object, so that its identifier cannot be reused by another object), with the role
        /// of the child's objects (decided from its name once, not per element).
        var children: [ObjectIdentifier: (info: ChildInfo, type: DirectType, role: DirectObjectRole)] = [:]
        /// Contexts of resources by type name.
        var resources: [String: DirectType] = [:]
    }

    private let lock = NSLock()
    private var entries = Entries()

    var snapshot: Entries { lock.withLock { entries } }

    func merge(_ found: Entries) {
        lock.withLock {
            entries.children.merge(found.children) { kept, _ in kept }
            entries.resources.merge(found.resources) { kept, _ in kept }
        }
    }
}

/// A type context as the direct conversion passes it around: one object, so that handing it to
/// the next level costs one retain at most (a ``TypeContext`` is three references).
final class DirectType {
    let context: TypeContext

    init(_ context: TypeContext) {
        self.context = context
    }
}
