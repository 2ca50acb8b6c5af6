import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One record of a CSV file, with the file line it starts on (the header is line 1).
public struct CSVRecord: Sendable {
    public let line: Int
    public let fields: [String]
}

/// The text encoding a spreadsheet was saved in.
public enum SpreadsheetEncoding: String, Sendable {
    case utf8 = "UTF-8"
    /// Chinese Windows' default for "CSV" from Excel and WPS; a superset of GBK and GB2312.
    case gb18030 = "GB18030"
}

/// A problem with the file as a whole, before any row is looked at.
public struct SpreadsheetError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Reads CSV as Excel and WPS save it, streaming, so a million-row file needs little memory.
///
/// - The encoding is decided per file, before any row is read, by ``detectEncoding(path:)``: a
///   file that is valid UTF-8 throughout (with or without BOM) is UTF-8; one that is valid GB18030
///   throughout and reads as Chinese text is GB18030; anything else (Big5, a file that mixes the
///   two, binary data) is refused, naming the first offending line.
/// - RFC 4180 quoting: fields in double quotes may hold commas, doubled quotes and line breaks.
/// - CRLF or LF line ends; blank lines (such as Excel's trailing ones) are skipped.
public final class SpreadsheetReader {
    public let path: String
    public let encoding: SpreadsheetEncoding
    private let handle: FileHandle
    private let converter: GB18030Converter?
    private var buffer: [UInt8] = []
    private var position = 0
    private var endOfFile = false
    private var line = 1
    private var atStart = true
    private var hasher = SHA256()
    /// The SHA-256 of the file's bytes as read (before any conversion), in hex, once the last record
    /// was read; nil before.
    public private(set) var sha256: String?
    private static let chunkSize = 1 << 20
    /// The largest spreadsheet read: well above a national roster of a million rows (about 90 MB).
    public static let maximumFileSize = 200 << 20

    public init(path: String) throws {
        self.path = path
        try SpreadsheetReader.checkReadable(path: path)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SpreadsheetError(path: path, reason: "cannot open the file (does it exist, and may you read it?)")
        }
        self.encoding = try SpreadsheetReader.detectEncoding(path: path)
        self.handle = handle
        self.converter = encoding == .gb18030 ? try GB18030Converter(path: path) : nil
    }

    deinit {
        try? handle.close()
    }

    /// Refuses, before reading, what is not a regular file (a directory, a device such as
    /// /dev/zero, a pipe) or is larger than ``maximumFileSize``: neither may hang or exhaust esw.
    static func checkReadable(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw SpreadsheetError(path: path, reason: "cannot open the file (does it exist, and may you read it?)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            let kind = (info.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file (a device or a pipe)"
            throw SpreadsheetError(path: path, reason: "is \(kind); give a CSV file")
        }
        guard info.st_size <= maximumFileSize else {
            let megabytes = (info.st_size + (1 << 20) - 1) >> 20
            throw SpreadsheetError(
                path: path, reason: "is \(megabytes) MB; at most \(maximumFileSize >> 20) MB are read (split the file)")
        }
    }

    /// Decides the file's encoding, reading it whole before any row is read (once for a UTF-8
    /// file, twice for a GB18030 one):
    ///
    /// - valid UTF-8 throughout: UTF-8;
    /// - else valid GB18030 throughout and plausible as Chinese text (``GB18030Plausibility``):
    ///   GB18030;
    /// - else refused, naming the first line that is neither, or, when every line is one or the
    ///   other, the first line that is not UTF-8 (the file mixes encodings).
    ///
    /// A byte-order mark (U+FEFF) anywhere but at the very start is refused in either encoding.
    static func detectEncoding(path: String) throws -> SpreadsheetEncoding {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SpreadsheetError(path: path, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        var validator = UTF8Validator()
        var line = 1, offset = 0, lastThree: UInt32 = 0
        var firstNonUTF8: Int?
        var byteOrderMark: Int?
        while firstNonUTF8 == nil, let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
            chunk.withUnsafeBytes { bytes in
                for byte in bytes {
                    guard validator.feed(byte) else {
                        firstNonUTF8 = line
                        return
                    }
                    lastThree = (lastThree << 8 | UInt32(byte)) & 0xFF_FFFF
                    if lastThree == 0xEF_BBBF, offset > 2, byteOrderMark == nil { byteOrderMark = line }
                    if byte == 0x0A { line += 1 }
                    offset += 1
                }
            }
        }
        if firstNonUTF8 == nil, !validator.isComplete { firstNonUTF8 = line }
        guard let firstNonUTF8 else {
            if let byteOrderMark { throw byteOrderMarkInside(path: path, line: byteOrderMark) }
            return .utf8
        }
        try GB18030Plausibility.check(path: path, firstNonUTF8Line: firstNonUTF8)
        return .gb18030
    }

    static func byteOrderMarkInside(path: String, line: Int) -> SpreadsheetError {
        SpreadsheetError(
            path: path,
            reason: """
                line \(line) holds a byte-order mark (U+FEFF) after the start of the file (were two files \
                joined?); remove it and try again
                """)
    }

    /// The next non-blank record, or nil at the end of the file.
    public func next() throws -> CSVRecord? {
        while true {
            guard let record = try readRecord() else { return nil }
            if record.fields.contains(where: { !$0.trimmingSpaces.isEmpty }) { return record }
        }
    }

    private func fill() throws -> Bool {
        if endOfFile { return false }
        guard let chunk = try handle.read(upToCount: SpreadsheetReader.chunkSize), !chunk.isEmpty else {
            endOfFile = true
            sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            if let converter {
                let tail = try converter.finish()
                if !tail.isEmpty { buffer.removeFirst(position); position = 0; buffer += tail; return true }
            }
            return false
        }
        hasher.update(data: chunk)
        buffer.removeFirst(position)
        position = 0
        if let converter {
            buffer += try converter.convert(Array(chunk))
        } else {
            buffer += chunk
        }
        if atStart {
            atStart = false
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }
        return true
    }

    /// A field's text; a cell that the product's own CSV writer neutralized reads as it was.
    private func cell(_ field: [UInt8]) -> String {
        SpreadsheetFormula.isNeutralized(field)
            ? String(decoding: field.dropFirst(), as: UTF8.self) : String(decoding: field, as: UTF8.self)
    }

    private func readRecord() throws -> CSVRecord? {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"),
            carriage = UInt8(ascii: "\r")
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var sawAnything = false
        while true {
            if position >= buffer.count {
                guard try fill() else {
                    if !sawAnything { return nil }
                    if inQuotes {
                        throw SpreadsheetError(path: path, reason: "line \(startLine): a quoted field is never closed")
                    }
                    fields.append(cell(field))
                    return CSVRecord(line: startLine, fields: fields)
                }
                continue
            }
            let byte = buffer[position]
            position += 1
            sawAnything = true
            if inQuotes {
                if byte == quote {
                    if position >= buffer.count { _ = try fill() }
                    if position < buffer.count, buffer[position] == quote {
                        field.append(quote)
                        position += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == newline { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case quote where field.allSatisfy({ $0 == 0x20 }):
                field.removeAll()
                inQuotes = true
            case comma:
                fields.append(cell(field))
                field.removeAll(keepingCapacity: true)
            case newline:
                line += 1
                if field.last == carriage { field.removeLast() }
                fields.append(cell(field))
                return CSVRecord(line: startLine, fields: fields)
            default:
                field.append(byte)
            }
        }
    }
}

/// Incremental UTF-8 validation across chunk boundaries.
struct UTF8Validator {
    private var pending = 0
    private var lowerBound: UInt8 = 0x80
    private var upperBound: UInt8 = 0xBF

    var isComplete: Bool { pending == 0 }

    /// True when `bytes` are valid UTF-8 throughout.
    static func isValid(_ bytes: some Sequence<UInt8>) -> Bool {
        var validator = UTF8Validator()
        for byte in bytes where !validator.feed(byte) { return false }
        return validator.isComplete
    }

    mutating func feed(_ byte: UInt8) -> Bool {
        if pending == 0 {
            switch byte {
            case 0x00...0x7F: return true
            case 0xC2...0xDF: pending = 1; lowerBound = 0x80; upperBound = 0xBF
            case 0xE0: pending = 2; lowerBound = 0xA0; upperBound = 0xBF
            case 0xE1...0xEC, 0xEE...0xEF: pending = 2; lowerBound = 0x80; upperBound = 0xBF
            case 0xED: pending = 2; lowerBound = 0x80; upperBound = 0x9F
            case 0xF0: pending = 3; lowerBound = 0x90; upperBound = 0xBF
            case 0xF1...0xF3: pending = 3; lowerBound = 0x80; upperBound = 0xBF
            case 0xF4: pending = 3; lowerBound = 0x80; upperBound = 0x8F
            default: return false
            }
        } else {
            guard byte >= lowerBound, byte <= upperBound else { return false }
            pending -= 1
            lowerBound = 0x80
            upperBound = 0xBF
        }
        return true
    }
}

/// GB18030 to UTF-8 through iconv, carrying an incomplete multi-byte sequence over to the next chunk.
final class GB18030Converter {
    private let descriptor: iconv_t
    private let path: String
    private var carry: [UInt8] = []
    private var offset = 0

    init(path: String) throws {
        self.path = path
        let descriptor = iconv_open("UTF-8", "GB18030")
        guard let descriptor, descriptor != iconv_t(bitPattern: -1) else {
            throw SpreadsheetError(path: path, reason: "this system's iconv cannot read GB18030")
        }
        self.descriptor = descriptor
    }

    deinit {
        iconv_close(descriptor)
    }

    func convert(_ chunk: [UInt8]) throws -> [UInt8] {
        let input = carry + chunk
        carry = []
        let (output, consumed, failure) = iconvert(input)
        switch failure {
        case nil, EINVAL: break  // a character split across chunks: carried over below
        case EILSEQ:
            throw SpreadsheetError(
                path: path,
                reason: """
                    byte \(offset + consumed + 1) is neither UTF-8 nor GB18030; save the file as CSV UTF-8 and try again
                    """)
        case let code?: throw SpreadsheetError(path: path, reason: "iconv failed (errno \(code))")
        }
        carry = Array(input[consumed...])
        offset += consumed
        return output
    }

    /// Decodes strictly, piece by piece, `bytes` that start a fresh text: the UTF-8 and the bytes
    /// used (a character cut at the end of a piece that is not `last` is left over); nil when a
    /// byte is not GB18030.
    func decode(_ bytes: [UInt8], fresh: Bool, last: Bool) -> (output: [UInt8], consumed: Int)? {
        if fresh { iconv(descriptor, nil, nil, nil, nil) }
        let (output, consumed, failure) = iconvert(bytes)
        switch failure {
        case nil: return (output, consumed)
        case EINVAL where !last: return (output, consumed)
        default: return nil
        }
    }

    /// One iconv call over `input`: the UTF-8 produced, the bytes consumed, and errno if it stopped.
    private func iconvert(_ input: [UInt8]) -> (output: [UInt8], consumed: Int, failure: Int32?) {
        var input = input
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var consumed = 0, produced = 0
        var failure: Int32?
        input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                if iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) == -1 { failure = errno }
                consumed = inBuffer.count - inLeft
                produced = outBuffer.count - outLeft
            }
        }
        return (Array(output[0..<produced]), consumed, failure)
    }

    func finish() throws -> [UInt8] {
        guard carry.isEmpty else {
            throw SpreadsheetError(path: path, reason: "the file ends inside a GB18030 character")
        }
        return []
    }
}

/// Cells that a spreadsheet program would run as a formula, and how the product's CSV writer
/// neutralizes them (an apostrophe in front) so that its own reader can undo it exactly.
public enum SpreadsheetFormula {
    /// The characters that start a formula in Excel and WPS: = + - @, and a tab or carriage return.
    static let triggers: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]

    /// True when `cell` would be run as a formula: it starts with a trigger and is not a plain
    /// number (-12.5 and +3 are numbers, not formulas).
    public static func wouldRun(_ cell: String) -> Bool {
        guard let first = cell.utf8.first, triggers.contains(first) else { return false }
        return !isPlainNumber(cell.utf8)
    }

    /// True when the writer puts an apostrophe in front of `cell`: it would run, or it is such a
    /// cell behind apostrophes already (so that reading back takes exactly one off).
    public static func needsApostrophe(_ cell: String) -> Bool {
        needsApostrophe(Array(cell.utf8)[...])
    }

    /// True for the bytes of a cell the writer neutralized: an apostrophe, then a cell that needed it.
    static func isNeutralized(_ bytes: [UInt8]) -> Bool {
        bytes.first == 0x27 && needsApostrophe(bytes.dropFirst())
    }

    private static func needsApostrophe(_ bytes: ArraySlice<UInt8>) -> Bool {
        let rest = bytes.drop { $0 == 0x27 }
        guard let first = rest.first, triggers.contains(first) else { return false }
        return !isPlainNumber(rest)
    }

    private static func isPlainNumber(_ bytes: some Collection<UInt8>) -> Bool {
        var rest = bytes[...]
        if let sign = rest.first, sign == 0x2B || sign == 0x2D { rest = rest.dropFirst() }
        let parts = rest.split(separator: 0x2E, maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 2 else { return false }
        return parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    }
}
