public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `text` in another encoding, through the system's iconv, as another program would save it.
public func converted(_ text: String, to charset: String) throws -> Data {
    let descriptor = iconv_open(charset, "UTF-8")
    guard let descriptor, descriptor != iconv_t(bitPattern: -1) else {
        throw CocoaError(.fileWriteInapplicableStringEncoding)
    }
    defer { iconv_close(descriptor) }
    var input = Array(text.utf8)
    var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
    var produced = 0
    let result = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = inBuffer.count
            var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                .assumingMemoryBound(to: CChar.self)
            var outLeft = outBuffer.count
            let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
            produced = outBuffer.count - outLeft
            return result
        }
    }
    guard result != -1 else { throw CocoaError(.fileWriteInapplicableStringEncoding) }
    return Data(output[0..<produced])
}
