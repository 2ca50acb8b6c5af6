import CalendarDates
import Foundation
public import Workforce

/// Writes CSV for people: UTF-8 with a BOM so that Excel opens Chinese text correctly, CRLF line
/// ends, and quotes only where a field needs them.
public struct CSVWriter {
    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }

    public static let byteOrderMark = "\u{FEFF}"

    /// A whole file: the byte-order mark, the header line and the rows.
    public static func document(headers: [String], rows: [[String]]) -> String {
        var output = byteOrderMark + line(headers)
        for row in rows { output += line(row) }
        return output
    }

    static func escape(_ field: String) -> String {
        // A cell that a spreadsheet would run as a formula (=HYPERLINK(…), +…, -…, @…) is written
        // as text, behind an apostrophe, as OWASP recommends; numbers such as -0.25 stay numbers.
        // Our own reader (SpreadsheetReader) takes the apostrophe off again.
        let neutralized = SpreadsheetFormula.needsApostrophe(field)
        let text = neutralized ? "'" + field : field
        let needsQuotes =
            neutralized || text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        guard needsQuotes else { return text }
        // Byte by byte: a quote followed by a combining mark is one Character, which a Character
        // search (replacingOccurrences) passes over, leaving the quote undoubled and the cell open.
        var bytes: [UInt8] = [0x22]
        bytes.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            bytes.append(byte)
            if byte == 0x22 { bytes.append(0x22) }
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The rows an import skipped, saved for the person to fix: the file's own columns, then the
/// line and the reasons.
public enum RejectsFile {
    public static func write(_ rejected: RejectedRows, to path: String, reason: (RowError) -> String) throws {
        var text = CSVWriter.byteOrderMark + CSVWriter.line(rejected.headers + ["line", "reason"])
        for row in rejected.rows {
            text += CSVWriter.line(row.values + [String(row.line), row.errors.map(reason).joined(separator: "; ")])
        }
        try writeAtomically(text, to: path, field: "rejects")
    }
}
