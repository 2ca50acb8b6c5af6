/// The ID number as reports show it: first 6 and last 4 characters, the rest starred.
public func maskedIDNumber(_ id: String) -> String {
    let characters = Array(id)
    guard characters.count > 10 else { return String(repeating: "*", count: characters.count) }
    return String(characters.prefix(6)) + String(repeating: "*", count: characters.count - 10)
        + String(characters.suffix(4))
}

/// The ID number as an export, a page or the API shows it: whole when the person asked for, or
/// their role may see, whole numbers (`--include-id-numbers`, sql/0028), masked otherwise.
public func shownIDNumber(_ id: String, whole: Bool) -> String {
    whole ? id : maskedIDNumber(id)
}

/// A value as an error message quotes it, in every front end: at most its first 60 characters, and
/// a value shaped like a resident ID number masked as reports show it (first 6 and last 4): the
/// line and the column find the row, and a terminal, a page, a log or a pasted message need not
/// hold the number.
public func quotedValue(_ value: String) -> String {
    if looksLikeIDNumber(value) { return maskedIDNumber(value) }
    return value.count > 60 ? String(value.prefix(60)) + "…" : value
}

/// 15 or 18 characters, digits but for a last X: the two shapes of a resident ID number, valid or
/// not (a number with a wrong check digit is still someone's).
public func looksLikeIDNumber(_ value: String) -> Bool {
    let bytes = Array(value.utf8)
    guard bytes.count == 18 || bytes.count == 15 else { return false }
    let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
    return bytes.dropLast().allSatisfy(digits.contains)
        && (digits.contains(bytes.last!) || bytes.last == UInt8(ascii: "X") || bytes.last == UInt8(ascii: "x"))
}
