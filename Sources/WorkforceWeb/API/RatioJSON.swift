import Foundation
import HTTPTypes
import OpenAPIRuntime
import WorkforceOutput

/// The ratio as `esw ratio --format json` writes it: WorkforceOutput's ``JSON`` value from
/// ``RatioOutput``, handed to the generated code in place of a generated `RatioDocument`
/// (openapi-generator-config.yaml's `typeOverrides`), so that the API and the CLI share one
/// encoder of the ratio's shape. Numbers keep their exact decimal text (as `Decimal`); the API's
/// JSON encoder sorts the keys.
struct RatioJSON: Codable, Hashable, Sendable {
    let json: JSON

    init(_ json: JSON) { self.json = json }

    /// The body of a ratio response: under ``WrittenJSONMiddleware`` (the server), an empty
    /// placeholder, the document itself going to the middleware as WorkforceOutput writes it;
    /// elsewhere the document. Foundation's JSONEncoder took four fifths of the server's time for
    /// a province's ratio (1.5 MB of JSON), and a tenth for one enterprise's.
    static func body(_ json: JSON) -> RatioJSON {
        guard let written = WrittenJSON.current else { return RatioJSON(json) }
        written.bytes = json.utf8()
        return RatioJSON(.object([]))
    }

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

/// Where a handler leaves a JSON body it wrote itself (``RatioJSON/body(_:)``), for
/// ``WrittenJSONMiddleware`` to send in place of what the generated code encoded. The generated
/// code has checked the request's parameters and Accept header, and set the status and the
/// Content-Type, before the body is swapped.
final class WrittenJSON: @unchecked Sendable {
    // @unchecked: the handler writes `bytes` and the middleware reads them after the handler returned.
    var bytes: [UInt8]?

    @TaskLocal static var current: WrittenJSON?
}

/// Sends the JSON body a handler wrote itself (``WrittenJSON``) in place of the encoded placeholder.
struct WrittenJSONMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let written = WrittenJSON()
        var (response, responseBody) = try await WrittenJSON.$current.withValue(written) {
            try await next(request, body, metadata)
        }
        if let bytes = written.bytes, response.status == .ok {
            response.headerFields[.contentLength] = nil
            responseBody = HTTPBody(bytes)
        }
        return (response, responseBody)
    }
}
