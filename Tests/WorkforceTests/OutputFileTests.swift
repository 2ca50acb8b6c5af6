import Foundation
import Testing
import Workforce
import WorkforceOutput

/// A report written with --out is the whole report or nothing, and leaves no temporary file
/// behind whatever fails.
@Suite struct OutputFileTests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("esw-out-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aWrittenFileReplacesTheOldOneWholeAndLeavesNothingElse() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("report.html").path
        try writeAtomically("old", to: path)
        try writeAtomically("new report", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new report")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.html"])
    }

    @Test func aFailedWriteLeavesTheTargetAsItWasAndNoTemporaryFile() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The target is a directory: the rename fails after the data was written.
        let target = folder.appendingPathComponent("out.html")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        let error = #expect(throws: WorkforceError.self) { try writeAtomically("report", to: target.path) }
        #expect(error?.description.hasPrefix("out '\(target.path)': cannot be written: ") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.html"])
        // A folder that does not exist: nothing is created anywhere.
        let missing = folder.appendingPathComponent("no-such-folder/out.html").path
        #expect(throws: WorkforceError.self) { try writeAtomically("report", to: missing) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.html"])
    }
}
