import FuzzSupport
import Workforce
import WorkforceOutput

/// The spreadsheet reader on any bytes. Besides not crashing, hanging or growing without bound:
/// - it either reads records or throws a SpreadsheetError, nothing else;
/// - it reads UTF-8 exactly when the bytes are valid UTF-8;
/// - it only deletes (quotes, a BOM, CR before LF, a neutralizing apostrophe): the fields of all
///   records, in order, are a subsequence of the decoded input, so no byte is invented or garbled;
/// - record lines increase;
/// - writing the records with the product's CSV writer and reading them again gives the same fields.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpreadsheet(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    scratch.write(input)
    guard case .success(let (encoding, records)) = readAll(scratch.path) else { return 0 }

    let isUTF8 = String(validating: input, as: UTF8.self) != nil
    require((encoding == .utf8) == isUTF8, "read as \(encoding.rawValue), but valid UTF-8 is \(isUTF8)")
    var decoded = isUTF8 ? input : decodeGB18030(input) ?? []
    if decoded.starts(with: [0xEF, 0xBB, 0xBF]) { decoded.removeFirst(3) }
    let fields = records.flatMap { $0.fields.flatMap { Array($0.utf8) } }
    require(isSubsequence(fields, of: decoded), "the fields hold bytes, or an order, that the input does not")
    for (earlier, later) in zip(records, records.dropFirst()) {
        require(earlier.line < later.line, "line \(later.line) follows line \(earlier.line)")
    }
    require(records.allSatisfy { $0.line >= 1 }, "a record before line 1")

    var written = Array(CSVWriter.byteOrderMark.utf8)
    for record in records { written += Array(CSVWriter.line(record.fields).utf8) }
    roundTrip.write(written)
    switch readAll(roundTrip.path) {
    case .failure(let error):
        require(false, "the reader refuses what the writer wrote: \(error.reason)")
    case .success(let (encoding, again)):
        require(encoding == .utf8, "the writer's output was not read as UTF-8")
        require(again.map(\.fields) == records.map(\.fields), "the records changed on a write and read")
    }
    return 0
}

let scratch = ScratchFile(name: "esw-fuzz-spreadsheet")
let roundTrip = ScratchFile(name: "esw-fuzz-spreadsheet-again")

@main
enum Main {
    static func main() { runFuzzer(fuzzSpreadsheet) }
}
