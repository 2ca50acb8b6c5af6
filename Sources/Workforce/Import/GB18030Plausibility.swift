import Foundation

/// Whether a file that is not UTF-8 is Chinese text saved in GB18030 (GBK, GB2312), as Excel and
/// WPS save "CSV" on Chinese Windows, or something that only happens to decode as GB18030.
///
/// Almost any byte pairs from 0x81 up decode as GB18030, so validity alone does not tell a GB18030
/// file from a Big5 one (Taiwan and Hong Kong) or from a UTF-8 file with a row saved in GB18030.
/// A file passes when all of these hold:
///
/// 1. every line decodes strictly as GB18030;
/// 2. no decoded character comes from a range that no Chinese roster holds but that Big5 or
///    misread UTF-8 bytes land in: private use (GB18030's user-defined areas), kana, Hangul,
///    bopomofo, Greek, Cyrillic, box drawing and block elements, CJK compatibility ideographs,
///    vertical and compatibility forms, C1 controls (``isUnlikely(_:)``);
/// 3. at most ``maximumRareShare`` of its Chinese characters lie outside GB2312 (the 6,763
///    common characters: both bytes 0xA1 or above). Big5's frequent characters with a second byte
///    0x40–0x7E read as GBK's rare ones.
///
/// Measured (SpreadsheetTests `big5NamesPassForGB18030OnlyAlone`, docs/reliability.md): of
/// 2,320 typical Taiwanese names saved in Big5 under an English header, 95 pass alone in a file
/// (4.1 %), 3 of 1,160 files of two (0.26 %), none of the files of three or five; with a Chinese
/// header row none. A UTF-8 roster of 2 to 50 rows with one row in GB18030: refused in 2,000 of
/// 2,000 tries each. Every sample file saved in GB18030 passes.
enum GB18030Plausibility {
    /// The largest share of Chinese characters outside GB2312 that a plausible file holds.
    static let maximumRareShare = 0.10

    /// Reads the file line by line and throws, naming a line, unless it is plausible GB18030.
    /// `firstNonUTF8Line` is where the UTF-8 reading failed.
    static func check(path: String, firstNonUTF8Line: Int) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SpreadsheetError(path: path, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        let decoder = try LineDecoder(path: path)
        var counts = Counts()
        var line = 1
        // The first non-ASCII line that is valid UTF-8, and the first that is not plausible GB18030.
        var firstUTF8Line: Int?
        var firstImplausibleLine: Int?
        var pending: [UInt8] = []

        func finish(_ bytes: ArraySlice<UInt8>) throws {
            defer { line += 1 }
            guard bytes.contains(where: { $0 >= 0x80 }) else { return }
            counts.add(bytes, line: line)
            let isUTF8 = UTF8Validator.isValid(bytes)
            if isUTF8, firstUTF8Line == nil { firstUTF8Line = line }
            switch decoder.problem(in: bytes, atFileStart: line == 1) {
            case nil: return
            case .byteOrderMark: throw SpreadsheetReader.byteOrderMarkInside(path: path, line: line)
            case .undecodable:
                guard isUTF8 else { throw neither(path: path, line: line) }
                if firstImplausibleLine == nil { firstImplausibleLine = line }
            }
        }

        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            // Only the new bytes are searched for line ends: an endless line is read once.
            var searchFrom = pending.endIndex
            pending += chunk
            var start = pending.startIndex
            while let newline = pending[searchFrom...].firstIndex(of: 0x0A) {
                try finish(pending[start..<newline])
                start = newline + 1
                searchFrom = start
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { try finish(pending[...]) }
        let tooRare = counts.rare > 0 && Double(counts.rare) > maximumRareShare * Double(counts.chinese)
        guard let firstProblem = firstImplausibleLine ?? (tooRare ? counts.firstRareLine : nil) else { return }
        guard firstUTF8Line != nil else { throw neither(path: path, line: firstProblem) }
        throw SpreadsheetError(
            path: path,
            reason: """
                line \(firstNonUTF8Line) is not UTF-8 text, but other lines are: the file mixes encodings; \
                save the file as CSV UTF-8 and try again
                """)
    }

    static func neither(path: String, line: Int) -> SpreadsheetError {
        SpreadsheetError(
            path: path,
            reason: "line \(line) is neither UTF-8 nor GB18030 text; save the file as CSV UTF-8 and try again")
    }

    /// Characters that GB18030 can decode but that no Chinese roster holds.
    static func isUnlikely(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x80...0x9F: true  // C1 controls
        case 0x0370...0x04FF: true  // Greek, Cyrillic
        case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: true  // Hangul
        case 0x2500...0x259F: true  // box drawing, block elements
        case 0x3040...0x30FF, 0x3100...0x312F: true  // kana, bopomofo
        case 0xE000...0xF8FF, 0xF0000...0x10FFFF: true  // private use
        case 0xF900...0xFAFF: true  // CJK compatibility ideographs
        case 0xFE10...0xFE1F, 0xFE30...0xFE4F: true  // vertical forms, CJK compatibility forms
        default: false
        }
    }

    /// Chinese (multi-byte) characters of the file, and how many lie outside GB2312.
    struct Counts {
        var chinese = 0
        var rare = 0
        var firstRareLine: Int?

        mutating func add(_ bytes: ArraySlice<UInt8>, line: Int) {
            var index = bytes.startIndex
            while index < bytes.endIndex {
                let lead = bytes[index]
                guard lead >= 0x80 else {
                    index += 1
                    continue
                }
                let next = index + 1 < bytes.endIndex ? bytes[index + 1] : 0
                chinese += 1
                // A four-byte character (its second byte a digit) is never in GB2312.
                let isFourByte = next >= 0x30 && next <= 0x39
                if isFourByte || lead < 0xA1 || next < 0xA1 {
                    rare += 1
                    if firstRareLine == nil { firstRareLine = line }
                }
                index += isFourByte ? 4 : 2
            }
        }
    }

    /// Strict GB18030 decoding of one line at a time.
    struct LineDecoder {
        enum Problem {
            case undecodable, byteOrderMark
        }

        let converter: GB18030Converter

        init(path: String) throws {
            converter = try GB18030Converter(path: path)
        }

        /// Why `line` is not plausible GB18030 text, or nil when it is. A long line is decoded in
        /// pieces of 64 KB, so that a file of one endless line needs no more than itself in memory.
        func problem(in line: ArraySlice<UInt8>, atFileStart: Bool) -> Problem? {
            var start = line.startIndex
            var carry: [UInt8] = []
            var offset = 0
            repeat {
                let end = min(start + (1 << 16), line.endIndex)
                let piece = carry + line[start..<end]
                guard
                    let (decoded, consumed) = converter.decode(
                        piece, fresh: start == line.startIndex, last: end == line.endIndex)
                else { return .undecodable }
                carry = Array(piece[consumed...])
                for scalar in String(decoding: decoded, as: UTF8.self).unicodeScalars {
                    defer { offset += 1 }
                    if scalar == "\u{FEFF}" {
                        if atFileStart && offset == 0 { continue }
                        return .byteOrderMark
                    }
                    if GB18030Plausibility.isUnlikely(scalar) { return .undecodable }
                }
                start = end
            } while start < line.endIndex
            return nil
        }
    }
}
