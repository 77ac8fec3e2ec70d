import FHIRModel
import FHIRDefinitions
import ChildHealthEvents

/// Synthetic messages for `dch generate`: message `index` of a run with `seed` depends on those two
/// numbers only (its own random state is derived from them), so a run is reproducible byte for
/// byte, any message can be regenerated alone, and nothing accumulates between messages.
public final class MessageGenerator {
    /// The events messages are generated for.
    public let catalogue: EventCatalogue
    private let builder: EventMessageBuilder

    /// A generator over a definition pack and an event catalogue.
    public init(pack: DefinitionPack, catalogue: EventCatalogue) {
        self.catalogue = catalogue
        builder = EventMessageBuilder(pack: pack)
    }

    /// Message `index` of the run `seed` for `event`.
    public func message(event: EventDefinition, seed: UInt64, index: Int) throws -> Element {
        var random = MessageGenerator.random(seed: seed, index: index)
        let input = SyntheticInputs.make(for: event, using: &random)
        return try builder.build(event, input, using: &random)
    }

    /// The random state of one message: SplitMix64 over the seed and the index, mixed so that
    /// neighbouring indexes do not give related sequences.
    public static func random(seed: UInt64, index: Int) -> SeededRandom {
        var mixer = SeededRandom(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
        let base = mixer.next()
        var r = SeededRandom(seed: base &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        _ = r.next()
        return r
    }
}
