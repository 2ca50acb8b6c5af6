import CalendarDates
import FuzzSupport
import Workforce
import WorkforceOutput

/// The code validators, the date reader and formula neutralization on any text:
/// - each validator answers (total), and what it calls valid normalizes to a form that is valid
///   and normalizes to itself (6 digits, 18 characters);
/// - a date read from a cell reads back the same from its ISO, slash and Chinese forms;
/// - a cell the CSV writer writes never starts with a formula trigger when it would run, and reads
///   back exactly, through the product's writer and reader — unless it holds a byte-order mark,
///   which the reader refuses anywhere after the start of a file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCodes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    if let region = Codes.checkRegion(text).normalized {
        require(region.utf8.count == 6 && region.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }, "region \(region)")
        require(Codes.checkRegion(region) == .valid(normalized: region), "region does not re-validate")
    }
    if let id = Codes.checkIDNumber(text, today: today).normalized {
        require(id.utf8.count == 18, "an ID number of \(id.utf8.count) bytes")
        require(Codes.checkIDNumber(id, today: today) == .valid(normalized: id), "ID number does not re-validate")
    }
    if let uscc = Codes.checkUSCC(text).normalized {
        require(uscc.utf8.count == 18, "a USCC of \(uscc.utf8.count) bytes")
        require(Codes.checkUSCC(uscc) == .valid(normalized: uscc), "USCC does not re-validate")
    }
    if let date = CalendarDate(text: text) {
        let year = date.iso.prefix(4)  // the forms all take a four-digit year: 0212, not 212
        for form in [date.iso, "\(year)/\(date.month)/\(date.day)", "\(year)年\(date.month)月\(date.day)日"] {
            require(CalendarDate(text: form) == date, "\(date.iso) does not read back from \(form)")
        }
    }

    let line = CSVWriter.line([text, "x"])
    if SpreadsheetFormula.wouldRun(text) {
        let cell = line.utf8.drop { $0 == UInt8(ascii: "\"") }
        require(cell.first == UInt8(ascii: "'"), "a cell that would run is written without an apostrophe")
    }
    scratch.write(Array((CSVWriter.byteOrderMark + line).utf8))
    // A byte-order mark after the start of a file is refused by rule (two files joined), even in a
    // quoted cell; every other cell must read back.
    let holdsByteOrderMark = text.unicodeScalars.contains("\u{FEFF}")
    switch readAll(scratch.path) {
    case .failure(let error):
        require(holdsByteOrderMark, "the reader refuses a line the writer wrote: \(error.reason)")
    case .success where holdsByteOrderMark:
        require(false, "a byte-order mark inside a cell was read instead of refused")
    case .success(let (_, records)):
        require(
            records.map(\.fields) == [[text, "x"]],
            "\(String(reflecting: text)) was written as \(String(reflecting: line)), read as \(records.map(\.fields))")
    }
    return 0
}

let today = CalendarDate(year: 2026, month: 1, day: 1)!
let scratch = ScratchFile(name: "esw-fuzz-codes")

@main
enum Main {
    static func main() { runFuzzer(fuzzCodes) }
}
