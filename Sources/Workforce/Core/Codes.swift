public import CalendarDates

/// The verdict on one national code: its normalized form when valid, else the precise reason.
public enum CodeCheck: Sendable, Equatable {
    case valid(normalized: String)
    case invalid(reason: String)

    public var normalized: String? {
        if case .valid(let normalized) = self { return normalized }
        return nil
    }
    public var reason: String? {
        if case .invalid(let reason) = self { return reason }
        return nil
    }
}

/// Validators for the national codes the tracker stores. The database enforces the same rules
/// (sql/0001_core.sql: `id_number_problem`, `uscc_problem`, `region_code_problem`), with the same
/// wording; these answer earlier, before a row reaches the server, and normalize input.
public enum Codes {
    /// The two-digit prefixes of the 31 mainland province-level divisions (GB/T 2260).
    public static let provincePrefixes: Set<String> = [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    ]
    /// The municipalities directly under the central government (北京, 天津, 上海, 重庆): province-level
    /// divisions with no prefecture level, whose reports roll up by district and whose bureau is a 民政局.
    public static let municipalityPrefixes: Set<String> = ["11", "12", "31", "50"]

    /// A province-level division that is not a municipality (440000, not 110000 or 440300).
    public static func isProvince(_ code: String) -> Bool {
        code.hasSuffix("0000") && !municipalityPrefixes.contains(String(code.prefix(2)))
    }
    /// Residence permits of Hong Kong, Macao and Taiwan residents use these address prefixes.
    public static let residencePermitPrefixes: Set<String> = ["81", "82", "83"]

    /// GB/T 2260 administrative division code: 6 digits under a known province.
    public static func checkRegion(_ input: String) -> CodeCheck {
        let code = input.trimmingSpaces
        guard code.utf8.count == 6, code.utf8.allSatisfy(\.isASCIIDigit) else {
            return .invalid(reason: "region code must be 6 digits, found '\(code)'")
        }
        let province = String(code.prefix(2))
        guard provincePrefixes.contains(province) else {
            return .invalid(reason: "province code '\(province)' is not one of the 31 province-level divisions")
        }
        return .valid(normalized: code)
    }

    /// GB 11643-1999 resident identity number, with its ISO 7064 MOD 11-2 check character.
    /// A lower-case 'x' is accepted and normalized to 'X'.
    ///
    /// - Parameter today: birth dates after this day are refused.
    public static func checkIDNumber(_ input: String, today: CalendarDate) -> CodeCheck {
        let trimmed = input.trimmingSpaces
        let id = trimmed.utf8.last == UInt8(ascii: "x") ? trimmed.uppercased() : trimmed
        let bytes = Array(id.utf8)
        guard bytes.count == 18 else {
            return .invalid(reason: "must be 18 characters, found \(id.count)")
        }
        guard bytes[0..<17].allSatisfy(\.isASCIIDigit) else {
            return .invalid(reason: "characters 1-17 must be digits")
        }
        guard bytes[17].isASCIIDigit || bytes[17] == UInt8(ascii: "X") else {
            return .invalid(
                reason:
                    "check character must be a digit or upper-case X, found '\(Character(UnicodeScalar(bytes[17])))'")
        }
        let prefix = String(id.prefix(2))
        guard provincePrefixes.contains(prefix) || residencePermitPrefixes.contains(prefix) else {
            return .invalid(reason: "address code \(id.prefix(6)) does not start with a known province-level prefix")
        }
        let digits = bytes.map { Int($0) - 48 }
        let year = digits[6] * 1000 + digits[7] * 100 + digits[8] * 10 + digits[9]
        let month = digits[10] * 10 + digits[11]
        let day = digits[12] * 10 + digits[13]
        guard year >= 1800, let birthDate = CalendarDate(year: year, month: month, day: day) else {
            return .invalid(reason: "birth date \(id.dropFirst(6).prefix(8)) is not a real date")
        }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(digits[0..<17], weights).reduce(0) { $0 + $1.0 * $1.1 }
        let expected = Array("10X98765432")[sum % 11]
        let found = Character(UnicodeScalar(bytes[17]))
        guard found == expected else {
            return .invalid(reason: "check character should be \(expected), found \(found)")
        }
        guard birthDate <= today else {
            return .invalid(reason: "birth date \(birthDate) is in the future")
        }
        return .valid(normalized: id)
    }

    static let usccCharset = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let usccValues: [Character: Int] = Dictionary(
        uniqueKeysWithValues: usccCharset.enumerated().map { ($1, $0) })

    /// GB 32100-2015 unified social credit code: charset, digit region, the embedded GB 11714
    /// organization code check and the final MOD 31 check character. Lower case is upper-cased.
    public static func checkUSCC(_ input: String) -> CodeCheck {
        let code = Array(input.trimmingSpaces.uppercased())
        guard code.count == 18 else {
            return .invalid(reason: "must be 18 characters, found \(code.count)")
        }
        for (index, character) in code.enumerated() where usccValues[character] == nil {
            return .invalid(
                reason:
                    """
                    character \(index + 1) ('\(character)') is not in the USCC character set (digits and upper-case \
                    letters except I, O, Z, S, V)
                    """
            )
        }
        let region = String(code[2..<8])
        guard region.utf8.allSatisfy(\.isASCIIDigit) else {
            return .invalid(reason: "characters 3-8 (registration region code) must be digits, found '\(region)'")
        }
        // GB 11714 reads letters as A=10 ... Z=35, unlike the USCC's own table.
        let orgWeights = [3, 7, 9, 10, 5, 8, 4, 2]
        var orgSum = 0
        for (offset, weight) in orgWeights.enumerated() {
            let character = code[8 + offset]
            let value =
                character.isASCIIDigitCharacter
                ? Int(character.asciiValue! - 48) : Int(character.asciiValue! - 65) + 10
            orgSum += value * weight
        }
        let orgCheck = 11 - orgSum % 11
        let orgExpected: Character = orgCheck == 10 ? "X" : orgCheck == 11 ? "0" : Character(String(orgCheck))
        guard code[16] == orgExpected else {
            return .invalid(
                reason: "organization code check character (position 17) should be \(orgExpected), found \(code[16])")
        }
        var sum = 0
        var weight = 1
        for character in code[0..<17] {
            sum += usccValues[character]! * weight
            weight = weight * 3 % 31
        }
        let expected = usccCharset[(31 - sum % 31) % 31]
        guard code[17] == expected else {
            return .invalid(reason: "check character should be \(expected), found \(code[17])")
        }
        return .valid(normalized: String(code))
    }
}

extension UInt8 {
    var isASCIIDigit: Bool { self >= 48 && self <= 57 }
}

extension Character {
    var isASCIIDigitCharacter: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}

extension StringProtocol {
    /// Trims spaces, tabs, line breaks and the full-width space (U+3000) that Chinese spreadsheets carry.
    public var trimmingSpaces: String {
        // Most values need no trimming: answer those without walking characters.
        let string = String(self)
        let bytes = string.utf8
        if let first = bytes.first, let last = bytes.last, !Self.mayBeSpace(first) || Self.isIdeographLead(first),
            !Self.mayBeSpace(last) || Self.endsWithIdeograph(bytes)
        {
            return string
        }
        var slice = Substring(string)
        while let first = slice.first, first.isWhitespace || first == "\u{3000}" || first == "\u{FEFF}" {
            slice.removeFirst()
        }
        while let last = slice.last, last.isWhitespace || last == "\u{3000}" { slice.removeLast() }
        return String(slice)
    }

    /// ASCII space and control bytes, and the bytes that end or start a multi-byte space.
    private static func mayBeSpace(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte >= 0x80
    }

    /// The first byte of a character of U+4000...U+9FFF (CJK ideographs, most Chinese names), where
    /// no space is.
    private static func isIdeographLead(_ byte: UInt8) -> Bool {
        byte >= 0xE4 && byte <= 0xE9
    }

    /// Whether the text ends in a character of U+4000...U+9FFF: then its last character (an
    /// ideograph, perhaps after a prepended mark) is no space.
    private static func endsWithIdeograph(_ bytes: String.UTF8View) -> Bool {
        guard bytes.count >= 3 else { return false }
        return isIdeographLead(bytes[bytes.index(bytes.endIndex, offsetBy: -3)])
    }
}

extension Codes {
    /// A region code, normalized, or a domain error naming `field`.
    static func validRegion(_ code: String, field: Field = "region") throws -> String {
        switch Codes.checkRegion(code) {
        case .valid(let normalized): return normalized
        case .invalid(let reason): throw WorkforceError.invalid(field: field, value: code, reason: Reason(reason))
        }
    }

    /// A province-level code (xx0000), normalized, or a domain error naming `field`.
    static func validProvince(_ code: String, field: Field) throws -> String {
        let normalized = try validRegion(code, field: field)
        guard normalized.hasSuffix("0000") else {
            throw WorkforceError.invalid(
                field: field, value: code, reason: "is not a province-level code (it should end in 0000)")
        }
        return normalized
    }

    static func validUSCC(_ code: String, field: Field = "enterprise") throws -> String {
        switch Codes.checkUSCC(code) {
        case .valid(let normalized): return normalized
        case .invalid(let reason): throw WorkforceError.invalid(field: field, value: code, reason: Reason(reason))
        }
    }

    static func validIDNumber(_ id: String, today: CalendarDate, field: Field = "id_number") throws -> String {
        switch Codes.checkIDNumber(id, today: today) {
        case .valid(let normalized): return normalized
        case .invalid(let reason): throw WorkforceError.invalid(field: field, value: id, reason: Reason(reason))
        }
    }
}
