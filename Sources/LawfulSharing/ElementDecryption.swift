import FHIRModel

/// Recovers what a policy's `encrypt` action sealed: the key holder's side of `dch share --decrypt`.
public enum ElementDecryption {
    /// A failure to decrypt (wrong key, or an altered value); names the element, never a value.
    public struct Failure: Error, CustomStringConvertible {
        /// The element whose value could not be recovered.
        public let element: String
        /// The element and what went wrong.
        public var description: String { "cannot decrypt the value of '\(element)': wrong key or altered data" }
    }

    /// The tree with every encrypted value put back in its element (the extension removed).
    public static func decrypt(_ root: Element, key: SharingKey) throws -> Element {
        let transforms = KeyedTransforms(key: key)
        var copy = root
        try visit(&copy, transforms)
        return copy
    }

    private static func visit(_ e: inout Element, _ transforms: KeyedTransforms) throws {
        if let k = e.children.firstIndex(where: { $0.name == "extension" && $0.url == MessageSharer.encryptedValueURL }) {
            guard let sealed = e.children[k].valueOfChild(named: "valueString"),
                  let plain = try? transforms.decrypt(sealed, context: e.name) else { throw Failure(element: e.name) }
            e.value = plain
            e.children.remove(at: k)
        }
        for i in e.children.indices { try visit(&e.children[i], transforms) }
    }
}
