import FuzzSupport
import Workforce

/// The spreadsheet reader on any bytes placed across its read-chunk boundary: after a first line
/// that fills the first chunk up to a point inside the input, the input must read exactly as it
/// does alone (the same records, or an error in both cases). This exercises what small inputs
/// never reach: a GB18030 character, a CRLF or a doubled quote split between two chunks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunks(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    // A byte-order mark counts only at the start of a file: such inputs are the other target's.
    guard !input.starts(with: [0xEF, 0xBB, 0xBF]), !input.starts(with: [0x84, 0x31, 0x95, 0x33]) else { return 0 }
    alone.write(input)
    let expected = readAll(alone.path)

    // The boundary falls `split` bytes into the input; the padding line is plain ASCII, so the
    // encoding decision is the input's.
    let split = Int(input[0]) % min(size, 64)
    var padded = [UInt8](repeating: UInt8(ascii: "a"), count: chunkSize - split - 1)
    padded.append(UInt8(ascii: "\n"))
    padded += input
    placed.write(padded)
    let found = readAll(placed.path)

    switch (expected, found) {
    case (.success(let (encoding, records)), .success(let (paddedEncoding, paddedRecords))):
        require(encoding == paddedEncoding, "the encoding changed with the input's place in the file")
        require(paddedRecords.first?.fields == [String(repeating: "a", count: chunkSize - split - 1)], "padding")
        require(
            Array(paddedRecords.dropFirst().map(\.fields)) == records.map(\.fields),
            "the records changed when the input straddles a chunk boundary at byte \(split)")
    case (.failure, .failure):
        break
    case (.success, .failure(let error)):
        require(false, "refused only across a chunk boundary (byte \(split)): \(error.reason)")
    case (.failure(let error), .success):
        require(false, "refused only when alone: \(error.reason)")
    }
    return 0
}

/// SpreadsheetReader's read size (its private chunkSize): if it changes, the boundary moves and
/// this target only tests less.
let chunkSize = 1 << 20
let alone = ScratchFile(name: "esw-fuzz-chunks-alone")
let placed = ScratchFile(name: "esw-fuzz-chunks-placed")

@main
enum Main {
    static func main() { runFuzzer(fuzzChunks) }
}
