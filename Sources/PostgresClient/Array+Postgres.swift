public import CalendarDates

/// Arrays bind as one parameter, for `= ANY($1)`. Only arrays of scalars whose array type this
/// module names are supported.
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresType { Element.postgresArrayType }
    public var postgresText: String? {
        var literal = "{"
        for (index, element) in enumerated() {
            if index > 0 { literal += "," }
            guard let text = element.postgresText else {
                literal += "NULL"
                continue
            }
            literal += "\""
            for character in text {
                if character == "\"" || character == "\\" { literal.append("\\") }
                literal.append(character)
            }
            literal += "\""
        }
        return literal + "}"
    }
}

/// A scalar type with a matching PostgreSQL array type.
public protocol PostgresArrayElement: PostgresEncodable {
    static var postgresArrayType: PostgresType { get }
}

extension String: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .textArray }
}
extension Int: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .int8Array }
}
extension CalendarDate: PostgresArrayElement {
    public static var postgresArrayType: PostgresType { .dateArray }
}

/// One-dimensional arrays decode element by element from their text form (`{party,"a b",NULL}`),
/// so `[Department]` reads an enum array; each element decodes as `Element` with an unknown type.
/// Multi-dimensional arrays are refused as invalid text.
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/current/arrays.html#ARRAYS-IO>
extension Array: PostgresDecodable where Element: PostgresDecodable {
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason) {
        guard let elements = PostgresArrayLiteral.elements(of: text) else { throw .invalidText }
        var values: [Element] = []
        values.reserveCapacity(elements.count)
        for element in elements {
            if let element {
                values.append(try Element(postgresText: element, type: .unknown))
            } else {
                guard let null = Element.postgresNull else { throw .unexpectedNull }
                values.append(null)
            }
        }
        self = values
    }
}

/// Reads PostgreSQL's text form of a one-dimensional array.
enum PostgresArrayLiteral {
    /// The elements of `{a,"b c",NULL}`: nil for an unquoted NULL; nil for text that is not a
    /// one-dimensional array literal.
    static func elements(of literal: String) -> [String?]? {
        var characters = Substring(literal)
        guard characters.first == "{", characters.last == "}" else { return nil }
        characters = characters.dropFirst().dropLast()
        if characters.isEmpty { return [] }
        var elements: [String?] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var escaped = false
        for character in characters {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
                wasQuoted = true
            } else if quoted {
                current.append(character)
            } else if character == "," {
                elements.append(wasQuoted || current != "NULL" ? current : nil)
                current = ""
                wasQuoted = false
            } else if character == "{" || character == "}" {
                return nil
            } else {
                current.append(character)
            }
        }
        guard !quoted, !escaped else { return nil }
        elements.append(wasQuoted || current != "NULL" ? current : nil)
        return elements
    }
}
