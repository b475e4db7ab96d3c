/// A field of a PATCH body: absent (leave as is), `null` (clear) or a value (set).
enum PatchField<Value: Decodable & Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    /// Applies the patch to `target`, where `null` clears it.
    func apply(to target: inout Value?) {
        switch self {
        case .absent: break
        case .null: target = nil
        case .value(let value): target = value
        }
    }

    /// Applies the patch to a field that cannot be cleared; `null` leaves it as it is.
    func apply(to target: inout Value) {
        if case .value(let value) = self { target = value }
    }

    var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }
}

extension KeyedDecodingContainer {
    func decodePatch<Value: Decodable & Sendable>(_ type: Value.Type, forKey key: Key) throws -> PatchField<Value> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(Value.self, forKey: key))
    }
}
