import Foundation
@preconcurrency import Crypto

/// The secret behind every keyed transformation (pseudonyms, date shifts, linkage tokens,
/// encryption). It never comes from the policy: from a file (`--key-file`) or the environment
/// (`DCH_SHARE_KEY`). Each use derives its own sub-key, so that, say, a pseudonym reveals nothing
/// about a date shift.
public struct SharingKey: Sendable {
    /// The environment variable read when no key file is given.
    public static let environmentVariable = "DCH_SHARE_KEY"

    private let master: SymmetricKey

    /// A key from its secret bytes (at least 16).
    public init(secret: Data) throws {
        guard secret.count >= 16 else { throw SharingKeyError("the key must hold at least 16 bytes (found \(secret.count))") }
        master = SymmetricKey(data: secret)
    }

    /// The key in a file: its bytes, less one trailing line break (so `openssl rand -hex 32 > key` works).
    public init(file path: String) throws {
        guard var data = FileManager.default.contents(atPath: path) else {
            throw SharingKeyError("cannot read the key file \(path)")
        }
        while let last = data.last, last == 0x0A || last == 0x0D { data.removeLast() }
        try self.init(secret: data)
    }

    /// The key in ``environmentVariable``, or nil when it is not set.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SharingKey? {
        guard let text = environment[environmentVariable], !text.isEmpty else { return nil }
        return try SharingKey(secret: Data(text.utf8))
    }

    /// The sub-key for one use (`pseudonym`, `date-shift`, `linkage`, `encryption`, `audit-input`): HKDF-SHA256 of the master.
    func subkey(_ use: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data(("dch-share/" + use).utf8), outputByteCount: 32)
    }
}

/// Why a key cannot be used (the message never holds key material).
public struct SharingKeyError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The keyed functions a policy applies, with their sub-keys derived once.
public struct KeyedTransforms: Sendable {
    private let pseudonymKey: SymmetricKey
    private let dateShiftKey: SymmetricKey
    let linkageKey: SymmetricKey
    private let encryptionKey: SymmetricKey
    private let inputNameKey: SymmetricKey

    /// The transforms of `key`.
    public init(key: SharingKey) {
        pseudonymKey = key.subkey("pseudonym")
        dateShiftKey = key.subkey("date-shift")
        linkageKey = key.subkey("linkage")
        encryptionKey = key.subkey("encryption")
        inputNameKey = key.subkey("audit-input")
    }

    static func hmac(_ text: String, _ key: SymmetricKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The pseudonym of a value: the first 128 bits of HMAC-SHA256(pseudonym key, value), as 32
    /// lower-case hex digits (a valid FHIR `id`, `string` and `code`).
    public func pseudonym(_ value: String) -> String {
        Self.hex(Self.hmac(value, pseudonymKey).prefix(16))
    }

    /// The keyed hash the audit records instead of an input's name (a file may be named after a
    /// child): the first 128 bits of HMAC-SHA256(audit-input sub-key, name as given), 32 hex digits.
    /// Its own sub-key, so it never equals the pseudonym of the same text; the key holder confirms
    /// which file a record came from by hashing the candidate names.
    public func inputNameHash(_ name: String) -> String {
        Self.hex(Self.hmac(name, inputNameKey).prefix(16))
    }

    /// The pseudonym of a UUID, as a UUID (lower case; version and variant bits set as version 4).
    public func pseudonymUUID(_ value: String) -> String {
        var b = Array(Self.hmac(value.lowercased(), pseudonymKey).prefix(16))
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        let h = Self.hex(b)
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }

    /// The days a person's dates move: from 1 to `maximum` days, earlier or later, fixed by the key
    /// and the person (never 0, so no date stays where it was).
    public func dateShiftDays(person: String, maximum: Int) -> Int {
        let h = Self.hmac(person, dateShiftKey)
        let n = h.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let magnitude = Int(n % UInt64(maximum)) + 1
        return h[8] & 1 == 0 ? magnitude : -magnitude
    }

    /// AES-GCM (256-bit key, random 96-bit nonce) of `plaintext`, bound to `context` (the element's
    /// name) as authenticated data: nonce, ciphertext and tag, base64.
    public func encrypt(_ plaintext: String, context: String) throws -> String {
        let sealed = try AES.GCM.seal(Data(plaintext.utf8), using: encryptionKey, authenticating: Data(context.utf8))
        guard let combined = sealed.combined else { throw SharingKeyError("AES-GCM gave no combined box") }
        return combined.base64EncodedString()
    }

    /// Recovers what ``encrypt(_:context:)`` sealed; throws when the key, the context or the bytes differ.
    public func decrypt(_ base64: String, context: String) throws -> String {
        guard let data = Data(base64Encoded: base64) else { throw SharingKeyError("the encrypted value is not base64") }
        let box = try AES.GCM.SealedBox(combined: data)
        let plain = try AES.GCM.open(box, using: encryptionKey, authenticating: Data(context.utf8))
        return String(decoding: plain, as: UTF8.self)
    }
}
