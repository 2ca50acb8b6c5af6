/// The ID number as reports show it: first 6 and last 4 characters, the rest starred.
public func maskedIDNumber(_ id: String) -> String {
    let characters = Array(id)
    guard characters.count > 10 else { return String(repeating: "*", count: characters.count) }
    return String(characters.prefix(6)) + String(repeating: "*", count: characters.count - 10)
        + String(characters.suffix(4))
}

/// The ID number as an export shows it: whole when the person asked for whole numbers
/// (`--include-id-numbers`), masked otherwise.
func shownIDNumber(_ id: String, whole: Bool) -> String {
    whole ? id : maskedIDNumber(id)
}
