import Foundation
import PostgresClient
import TestSupport
import Testing

/// A full disk under --out or a rejects file: esw says so (exit 1), the file that was there is
/// unchanged, no temporary file is left beside it, and an import writes nothing.
@Suite(
    .database,
    .enabled(if: getuid() == 0 || TestDatabase.isRequired, "mounts a small tmpfs: run as root, as CI does"))
struct FullDiskTests {
    /// A 64 KB tmpfs, filled to the last byte, with an old report in it; unmounted afterwards.
    func withFullDisk(_ body: (_ folder: String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("esw-full-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try run("/bin/mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder)
        defer { try? run("/bin/umount", folder) }
        try "old report".write(toFile: folder + "/report.html", atomically: false, encoding: .utf8)
        FileManager.default.createFile(atPath: folder + "/filler", contents: nil)
        let filler = try #require(FileHandle(forWritingAtPath: folder + "/filler"))
        let block = Data(repeating: 0, count: 4096)
        var full = false
        while !full {
            do { try filler.write(contentsOf: block) } catch { full = true }
        }
        try filler.close()
        try body(folder)
    }

    func run(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(arguments.joined(separator: " "))")
    }

    @Test func aReportOnAFullDiskSaysSoAndLeavesTheOldFileAndNoTemporaryFile() throws {
        try TestDatabase.withSchema { _, url in
            try withFullDisk { folder in
                let out = folder + "/report.html"
                let run = try esw(
                    [
                        "report", "province", "--region", "440000", "--format", "html", "--out", out, "--database-url",
                        url,
                    ])
                #expect(run.status == 1)
                #expect(run.stderr.contains("--out '\(out)': cannot be written: No space left on device"))
                #expect(run.stderr.contains("nothing was written"))
                #expect(try String(contentsOfFile: out, encoding: .utf8) == "old report")
                #expect(
                    try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["filler", "report.html"])
            }
        }
    }

    @Test func aRejectsFileOnAFullDiskImportsNothingAndLeavesNoTemporaryFile() throws {
        try TestDatabase.withSchema { db, url in
            let uscc = Fixtures.uscc(region: "440305", serial: 7)
            let added = try esw(
                ["enterprise", "add", "--uscc", uscc, "--name", "测试", "--region", "440305"] + ["--database-url", url])
            #expect(added.status == 0)
            let roster = try temporaryFile(
                text: """
                    enterprise_uscc,id_number,name,department
                    \(uscc),\(Fixtures.idNumber(sequence: 1)),张伟,工会
                    \(uscc),110105199003071238,李娜,工会

                    """)
            try withFullDisk { folder in
                let rejects = folder + "/rejects.csv"
                let run = try esw(
                    ["staff", "import", roster, "--skip-invalid", "--rejects", rejects, "--database-url", url])
                #expect(run.status == 1)
                #expect(run.stderr.contains("--rejects '\(rejects)': cannot be written: No space left on device"))
                #expect(
                    try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["filler", "report.html"])
                let people: Int = try db.query("SELECT count(*) FROM person").single().decode(0)
                #expect(people == 0)
            }
        }
    }
}
