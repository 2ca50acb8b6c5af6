import Foundation
import WorkforceOutput

/// The ratio as `esw ratio --format json` writes it: WorkforceOutput's ``JSON`` value from
/// ``RatioOutput``, handed to the generated code in place of a generated `RatioDocument`
/// (openapi-generator-config.yaml's `typeOverrides`), so that the API and the CLI share one
/// encoder of the ratio's shape. Numbers keep their exact decimal text (as `Decimal`); the API's
/// JSON encoder sorts the keys.
struct RatioJSON: Codable, Hashable, Sendable {
    let json: JSON

    init(_ json: JSON) { self.json = json }

    private struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch json {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .number(let text):
            var container = encoder.singleValueContainer()
            guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                throw EncodingError.invalidValue(
                    text, .init(codingPath: encoder.codingPath, debugDescription: "not a decimal number"))
            }
            try container.encode(value)
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(RatioJSON(item)) }
        case .object(let members):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in members { try container.encode(RatioJSON(value), forKey: Key(stringValue: key)) }
        }
    }

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSON] = []
            while !array.isAtEnd { items.append(try array.decode(RatioJSON.self).json) }
            json = .array(items)
        } else if let object = try? decoder.container(keyedBy: Key.self) {
            json = .object(
                try object.allKeys.sorted { $0.stringValue < $1.stringValue }.map {
                    ($0.stringValue, try object.decode(RatioJSON.self, forKey: $0).json)
                })
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() {
                json = .null
            } else if let bool = try? value.decode(Bool.self) {
                json = .bool(bool)
            } else if let number = try? value.decode(Decimal.self) {
                json = .number(number.description)
            } else {
                json = .string(try value.decode(String.self))
            }
        }
    }

    func hash(into hasher: inout Hasher) { hasher.combine(json.serialized()) }
}
