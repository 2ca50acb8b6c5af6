import CalendarDates
public import Foundation
import Workforce

#if canImport(Glibc)
import Glibc
#endif

/// Writes a report to a file through a temporary file and a rename, so that a failed run never
/// leaves half a report behind.
public func writeAtomically(_ text: String, to path: String) throws {
    try writeAtomically(Data(text.utf8), to: path)
}

public func writeAtomically(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
        ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    do {
        try data.write(to: temporary)
    } catch {
        throw WorkforceError.invalid(
            field: "out", value: path, reason: "cannot be written: \(error.localizedDescription)")
    }
    // rename(2) replaces the destination in one step, whether or not it exists.
    guard rename(temporary.path, url.path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temporary)
        throw WorkforceError.invalid(field: "out", value: path, reason: "cannot be written: \(reason)")
    }
}
