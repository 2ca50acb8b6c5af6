import CalendarDates
public import Foundation
public import Workforce

#if canImport(Glibc)
import Glibc
#endif

/// Writes a report to a file through a temporary file and a rename, so that a failed run never
/// leaves half a report behind.
public func writeAtomically(_ text: String, to path: String, field: Field = "out") throws {
    try writeAtomically(Data(text.utf8), to: path, field: field)
}

/// The bytes go to a new temporary file beside the target, reach the disk (fsync), and take the
/// target's name in one rename; on any failure the temporary file is removed and `field` named.
public func writeAtomically(_ data: Data, to path: String, field: Field = "out") throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
        ".\(url.lastPathComponent).\(UUID().uuidString).tmp"
    ).path
    func refuse(_ code: Int32) -> any Error {
        let reason = String(cString: strerror(code))
        // A path the person gave that cannot be a file is their input to fix; a full disk, a
        // read-only file system or an I/O error is the machine's failure.
        let pathProblems = [ENOENT, ENOTDIR, EISDIR, EACCES, EPERM, ENAMETOOLONG, ELOOP, EEXIST]
        guard pathProblems.contains(code) else { return FileWriteError(field: field, path: path, reason: reason) }
        return WorkforceError.invalid(field: field, value: path, reason: "cannot be written: \(reason)")
    }
    // O_EXCL: the temporary name is new, never someone else's file.
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw refuse(errno) }
    var failure: Int32?
    data.withUnsafeBytes { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = errno
                return
            }
            offset += written
        }
    }
    // The bytes reach the disk before the name does, so a crash leaves the old file or the new one.
    if failure == nil, fsync(descriptor) != 0 { failure = errno }
    if close(descriptor) != 0, failure == nil { failure = errno }
    // rename(2) replaces the destination in one step, whether or not it exists.
    if failure == nil, rename(temporary, url.path) != 0 { failure = errno }
    if let failure {
        unlink(temporary)
        throw refuse(failure)
    }
}

/// A file the machine could not write (a full disk, a read-only file system, an I/O error): the
/// target is as it was and no temporary file is left.
public struct FileWriteError: Error, Sendable, CustomStringConvertible {
    /// The option or setting that named the file ("out", "rejects").
    public let field: Field
    public let path: String
    /// The system's reason ("No space left on device").
    public let reason: String

    public var description: String { "\(field) '\(path)': cannot be written: \(reason)" }
}
