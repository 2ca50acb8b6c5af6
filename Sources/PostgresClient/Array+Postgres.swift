public import CalendarDates

/// Arrays bind as one parameter, for `= ANY($1)`. Only arrays of scalars whose array type this
/// module names are supported; decoding arrays is left out on purpose: select `unnest(...)` instead.
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
