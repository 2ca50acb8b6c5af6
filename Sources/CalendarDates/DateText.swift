/// The one reading of dates as people write them, on every command-line option and in every
/// spreadsheet: 2013-06-01, 2013/6/1, 2013.6.1, 2013年6月1日 and 20130601.
extension CalendarDate {
    /// The forms a date is accepted in, as a message that refuses one says them.
    public static let acceptedForms = "2013-06-01, 2013/6/1 or 2013年6月1日"

    /// Reads a date in any of the forms people write (see ``acceptedForms``; also 2013.6.1 and
    /// 20130601), with spaces around it (the full-width one too); nil for anything else, and for a
    /// day that does not exist (2013-02-30).
    public init?(text: some StringProtocol) {
        let string = String(text)
        if let iso = CalendarDate.parseISO(string.utf8) {
            self = iso
            return
        }
        var value = Substring(string).trimmingCharacters { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }
        if value.hasSuffix("日") { value.removeLast() }
        let separators: Set<Character> = ["-", "/", ".", "年", "月"]
        if value.count == 8, value.allSatisfy(\.isDigit) {
            let digits = Array(value)
            value = Substring(
                String(digits[0..<4]) + "-" + String(digits[4..<6]) + "-" + String(digits[6..<8]))
        }
        let parts = value.split(omittingEmptySubsequences: false) { separators.contains($0) }
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count),
            (1...2).contains(parts[2].count), parts.allSatisfy({ $0.allSatisfy(\.isDigit) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The common case, YYYY-MM-DD, read straight from the bytes.
    static func parseISO(_ bytes: String.UTF8View) -> CalendarDate? {
        guard bytes.count == 10 else { return nil }
        var digits: [Int] = []
        digits.reserveCapacity(8)
        for (offset, byte) in bytes.enumerated() {
            if offset == 4 || offset == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard byte >= 48, byte <= 57 else { return nil }
                digits.append(Int(byte) - 48)
            }
        }
        return CalendarDate(
            year: digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3],
            month: digits[4] * 10 + digits[5], day: digits[6] * 10 + digits[7])
    }
}

extension Character {
    fileprivate var isDigit: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}

extension Substring {
    fileprivate func trimmingCharacters(where isSpace: (Character) -> Bool) -> Substring {
        var slice = self
        while let first = slice.first, isSpace(first) { slice.removeFirst() }
        while let last = slice.last, isSpace(last) { slice.removeLast() }
        return slice
    }
}
