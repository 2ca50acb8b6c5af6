import CFuzzDriver
public import Foundation
public import Workforce

#if canImport(Glibc)
import Glibc
#endif

/// Stops the run with a message: libFuzzer reports the input that broke a property as a crash.
public func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard condition else {
        FileHandle.standardError.write(Data("property broken: \(message())\n".utf8))
        abort()
    }
}

/// One scratch file per process, rewritten for every input: the reader reads from a path.
public final class ScratchFile: @unchecked Sendable {
    public let path: String

    public init(name: String) {
        let folder = ProcessInfo.processInfo.environment["ESW_FUZZ_SCRATCH"] ?? NSTemporaryDirectory()
        path = "\(folder)/\(name)-\(getpid()).csv"
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        require(descriptor >= 0, "cannot open the scratch file \(path)")
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            require(written > 0, "cannot write the scratch file \(path)")
            offset += written
        }
    }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }
}

/// Every record of a file, or the reader's error.
public func readAll(_ path: String) -> Result<(SpreadsheetEncoding, [CSVRecord]), SpreadsheetError> {
    do {
        let reader = try SpreadsheetReader(path: path)
        var records: [CSVRecord] = []
        while let record = try reader.next() { records.append(record) }
        return .success((reader.encoding, records))
    } catch let error as SpreadsheetError {
        return .failure(error)
    } catch {
        require(false, "the reader threw something other than a SpreadsheetError: \(type(of: error))")
        fatalError()
    }
}

/// GB18030 to UTF-8 in one call (no chunks), as the oracle for the reader's streaming converter.
public func decodeGB18030(_ bytes: [UInt8]) -> [UInt8]? {
    let descriptor = iconv_open("UTF-8", "GB18030")
    guard let descriptor, descriptor != iconv_t(bitPattern: -1) else { return nil }
    defer { iconv_close(descriptor) }
    var input = bytes
    var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
    var produced = 0
    let ok = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress.map {
                UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self)
            }
            var inLeft = inBuffer.count
            var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                .assumingMemoryBound(to: CChar.self)
            var outLeft = outBuffer.count
            let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
            produced = outBuffer.count - outLeft
            return result != -1 && inLeft == 0
        }
    }
    return ok ? Array(output[0..<produced]) : nil
}

/// True when `needle`, taken in order, can be found in `haystack` with only deletions.
public func isSubsequence(_ needle: [UInt8], of haystack: [UInt8]) -> Bool {
    var index = haystack.startIndex
    for byte in needle {
        guard let found = haystack[index...].firstIndex(of: byte) else { return false }
        index = found + 1
    }
    return true
}

/// Runs libFuzzer with this process's arguments on `check`, and exits with its status.
public func runFuzzer(_ check: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, check))
}
