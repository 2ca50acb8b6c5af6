/// Text made safe to show on a terminal: characters that would move the cursor, change colours,
/// reorder the line (bidirectional overrides) or hide (zero-width) are shown as `\u{…}` escapes,
/// so a name from a spreadsheet can neither rewrite the screen nor pass for another.
public enum TerminalText {
    /// `text` with every such character escaped; line breaks and tabs too, unless `keepingLayout`
    /// (for whole lines of output, where they are the layout).
    public static func safe(_ text: String, keepingLayout: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0, keepingLayout: keepingLayout) }) else {
            return text
        }
        var output = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar, keepingLayout: keepingLayout) {
                output += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    static func isUnsafe(_ scalar: Unicode.Scalar, keepingLayout: Bool) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: !keepingLayout
        case 0x00...0x1F, 0x7F...0x9F: true
        // Bidirectional marks, embeddings, overrides and isolates.
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        // Zero-width space, joiners, word joiner, byte-order mark inside text.
        case 0x200B...0x200D, 0x2060, 0xFEFF: true
        default: false
        }
    }
}
