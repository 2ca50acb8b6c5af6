import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// Every listing in table, JSON and CSV, and every report, as the `esw` binary prints them for
/// ``SnapshotFixture``, against Snapshots/render/: the proof that moving the renderers changes no
/// byte of output. All cases share one migrated schema and one fixture, and run a few at a time.
@Suite(.database) struct RendererSnapshotTests {
    struct Case: Sendable {
        let name: String
        let arguments: [String]
    }

    /// A listing in each of the three formats, as `<name>.<format>.txt`.
    static func formats(_ name: String, _ arguments: [String]) -> [Case] {
        ["table", "json", "csv"].map { Case(name: "\(name).\($0).txt", arguments: arguments + ["--format", $0]) }
    }

    static func cases(_ fixture: SnapshotFixture) -> [Case] {
        let shenzhen = FixtureWorld.shenzhen
        let application = String(fixture.enterpriseApplication)
        let pilotPeriod = ["--application", application, "--from", "2013-07-01", "--to", "2014-06-30"]
        var cases: [Case] = []
        cases += formats("enterprise-list", ["enterprise", "list"])
        cases += formats("enterprise-list-region", ["enterprise", "list", "--region", "440000"])
        cases += formats("certificate-status", ["certificate", "status", "--as-of", "2013-12-31"])
        cases += formats("ratio", ["ratio", "--as-of", "2013-12-31"])
        cases += formats("ratio-enterprise", ["ratio", "--enterprise", shenzhen, "--as-of", "2013-12-31"])
        cases += formats(
            "ratio-by-department",
            [
                "ratio", "--region", "440000", "--as-of", "2013-12-31",
                "--by", "department",
            ])
        cases += formats("ratio-by-level", ["ratio", "--as-of", "2013-12-31", "--by", "level"])
        cases += formats("ratio-registered-only", ["ratio", "--as-of", "2013-12-31", "--count", "registered-only"])
        cases += formats(
            "ratio-trend",
            [
                "ratio", "--trend", "--region", "440000", "--from", "2013-01-01",
                "--to", "2014-06-30", "--every", "quarter",
            ])
        cases += formats(
            "ratio-trend-enterprise",
            [
                "ratio", "--trend", "--enterprise", shenzhen,
                "--from", "2013-01-01", "--to", "2013-12-31", "--every", "month",
            ])
        cases += formats("event-list", ["event", "list", "--from", "2013-01-01", "--to", "2013-12-31"])
        cases += formats("event-show", ["event", "show", String(fixture.lecture)])
        cases += formats(
            "training-hours",
            [
                "training", "hours", "--enterprise", shenzhen, "--from", "2013-01-01",
                "--to", "2013-12-31",
            ])
        cases += formats(
            "training-hours-region",
            [
                "training", "hours", "--region", "440000", "--from", "2013-01-01",
                "--to", "2013-12-31",
            ])
        cases += formats("training-gaps", ["training", "gaps", "--enterprise", shenzhen, "--as-of", "2014-06-30"])
        cases += formats("exam-session-list", ["exam", "session", "list"])
        cases += formats("exam-results-session", ["exam", "results", "--session", String(fixture.juniorSession)])
        cases += formats("exam-results-region", ["exam", "results", "--region", "440000"])
        cases += formats("exam-results-pending", ["exam", "results", "--pending-certificates", "--region", "440000"])
        cases += formats("exam-funnel", ["exam", "funnel", "--region", "440000", "--year", "2013"])
        cases += formats("pilot-list", ["pilot", "list"])
        cases += [
            Case(name: "pilot-program-list.txt", arguments: ["pilot", "program", "list"]),
            Case(name: "pilot-history.txt", arguments: ["pilot", "history", application]),
        ]
        cases += formats("post-list", ["post", "list", "--from", "2013-01-01", "--to", "2014-06-30"])
        cases += formats("post-list-with-id-numbers", ["post", "list", "--include-id-numbers"])
        cases += formats("service-list", ["service", "list", "--from", "2013-01-01", "--to", "2014-06-30"])
        cases += formats("funding-list", ["funding", "list", "--from", "2013-01-01", "--to", "2014-06-30"])
        cases += formats("org-list", ["org", "list"])
        for format in ["html", "csv", "json"] {
            cases.append(
                Case(
                    name: "report-province.\(format)",
                    arguments: [
                        "report", "province", "--region", "440000", "--as-of", "2014-06-30",
                        "--format", format,
                    ]))
            cases.append(
                Case(
                    name: "report-pilot.\(format)",
                    arguments: ["report", "pilot"] + pilotPeriod + ["--format", format]))
        }
        cases.append(
            Case(
                name: "report-province-zh.csv",
                arguments: [
                    "report", "province", "--region", "440000", "--as-of", "2014-06-30", "--format", "csv",
                    "--lang", "zh",
                ]))
        cases.append(
            Case(
                name: "report-pilot-zh.csv",
                arguments: ["report", "pilot"] + pilotPeriod + ["--format", "csv", "--lang", "zh"]))
        // The application form is for print: HTML only (--format accepts nothing else).
        cases.append(
            Case(
                name: "report-application-form.html",
                arguments: [
                    "report", "application-form", "--application", application,
                    "--as-of", "2013-12-31", "--format", "html",
                ]))
        cases.append(
            Case(
                name: "report-pilot-with-id-numbers.json",
                arguments: ["report", "pilot"] + pilotPeriod + ["--format", "json", "--include-id-numbers"]))
        return cases
    }

    /// Outputs that still carry the day of the run (the pilot report's and the evidence pack's
    /// "as of", exam results judged on today, the reports' generation date in ISO or Chinese) get
    /// it replaced by `<today>` before comparing; the snapshot files hold that placeholder.
    static func normalized(_ output: String) -> String {
        let today = CalendarDate.today()
        return output.replacingOccurrences(of: today.iso, with: "<today>")
            .replacingOccurrences(of: "\(today.year)年\(today.month)月\(today.day)日", with: "<today>")
    }

    @Test func everyListingAndReportMatchesItsSnapshot() throws {
        try TestDatabase.withSchema { db, url in
            let fixture = try SnapshotFixture(db: db)
            let cases = RendererSnapshotTests.cases(fixture)
            let runs = inParallel(cases) { item in Result { try esw(item.arguments + ["--database-url", url]) } }
            var outputs: [(name: String, output: String)] = []
            for (item, run) in zip(cases, runs) {
                let result = try run.get()
                let command = "esw " + item.arguments.prefix(3).joined(separator: " ")
                #expect(result.status == 0, "\(item.name): \(command) exits 0")
                #expect(result.stderr.isEmpty, "\(item.name): \(command) writes nothing to stderr")
                outputs.append((item.name, RendererSnapshotTests.normalized(result.stdout)))
            }
            outputs += try evidenceOutputs(url: url, application: fixture.enterpriseApplication)
            SnapshotFolder("render").verify(outputs)
        }
    }

    /// `report evidence` prints the MANIFEST's SHA-256, `report verify` the pack's header and
    /// verdict, and the MANIFEST itself (read with `unzip`) every file's SHA-256, so a byte changed
    /// in any of the pack's reports and CSV files shows here. The MANIFEST names the day the pack
    /// was made (as_of), so its own digest changes every day: it is replaced by
    /// `<manifest sha256>`, the day by `<today>`, and the temporary folder by `<directory>`.
    func evidenceOutputs(url: String, application: Int) throws -> [(name: String, output: String)] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("esw-snapshot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pack = directory.appendingPathComponent("evidence.zip").path
        let evidence = try esw([
            "report", "evidence", "--application", String(application), "--from", "2013-07-01",
            "--to", "2014-06-30", "--out", pack, "--database-url", url,
        ])
        #expect(evidence.status == 0)
        let verify = try esw(["report", "verify", pack])
        #expect(verify.status == 0)
        let manifestDigest = try #require(evidence.stdout.split(separator: " ").first.map(String.init))
        func normalized(_ text: String) -> String {
            RendererSnapshotTests.normalized(text)
                .replacingOccurrences(of: manifestDigest, with: "<manifest sha256>")
                .replacingOccurrences(of: directory.path, with: "<directory>")
        }
        let unzip = Process()
        unzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        unzip.arguments = ["unzip", "-p", pack, "MANIFEST"]
        let manifest = Pipe()
        unzip.standardOutput = manifest
        try unzip.run()
        let manifestText = String(decoding: manifest.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        unzip.waitUntilExit()
        #expect(unzip.terminationStatus == 0, "unzip reads the pack's MANIFEST (install unzip if it is missing)")
        return [
            ("report-evidence.txt", normalized(evidence.stdout + evidence.stderr)),
            ("report-verify.txt", normalized(verify.stdout + verify.stderr)),
            ("report-evidence-MANIFEST.txt", normalized(manifestText)),
        ]
    }
}
