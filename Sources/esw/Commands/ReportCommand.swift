import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports for provincial bureaus (HTML for print, CSV, JSON).",
        subcommands: [RegionReport.self, Pilot.self, ApplicationFormCommand.self, Evidence.self, Verify.self]
    )

    struct RegionReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "region",
            abstract: "A region: enterprises ranked by certified ratio, roll-ups, pilots, quarterly trend.",
            discussion: """
                For any GB/T 2260 division: a province rolls up by city (prefecture); a municipality \
                (北京, 天津, 上海, 重庆), a city such as 440300 and a county roll up by district and county. \
                Regions are named in full (广东省深圳市南山区（440305）). `esw report province` is the same \
                command.

                HTML is one self-contained file in Chinese that prints on A4: the header block \
                (报送单位, default the province's 民政厅, or the region's 民政局; 填报人, 审核人 and 联系电话 \
                from the options, or blank lines to fill in by hand; the generation date), certified staff \
                by level, inline SVG charts (the roll-up, the trend at the last eight quarter ends) and the \
                notes on method (口径说明); 全省, 全市 or 全区 as the region is. CSV is UTF-8 with BOM and a \
                section column (--lang zh: Chinese headers and values); JSON carries "schema_version". The \
                report goes to stdout, or to --out FILE through a temporary file and a rename, so a failed \
                run never leaves half a report.

                Bad input: a region code of the wrong form, or one that is in no GB/T 2260 list since \
                1981 (440399), is refused with exit 3 and nothing is written.

                Examples:
                  esw report region --region 440000 --as-of 2014-06-30 --format html \\
                      --out guangdong.html
                  esw report region --region 440300 --as-of 2014-06-30 --format csv
                """,
            aliases: ["province"])
        @Option(help: "The region: a province (440000), city (440300) or county (440305) code.") var region: String
        @Option(help: "The date (default today).") var asOf: CalendarDate?
        @Option(help: "html, csv or json.") var format: ReportFormat = .html
        @Option(help: "CSV headers and values: en (default) or zh.") var lang: CSVLanguage = .en
        @Option(help: "Write to this file instead of stdout.") var out: String?
        @OptionGroup var header: ReportHeaderOptions
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let report = try Reports(db: try database.connect()).province(region: region, asOf: asOf ?? .today())
                let text: String
                switch format {
                case .html: text = report.html(header: header.header)
                case .json: text = report.json.serialized(pretty: true) + "\n"
                case .csv:
                    let table = report.csvRows(language: lang)
                    text = CSVWriter.document(headers: table.headers, rows: table.rows)
                }
                try emit(text, to: out)
            }
        }
    }

    struct Pilot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A pilot region's or unit's report: baseline and end of the period in the five work areas.",
            discussion: """
                For one application: the certified ratio at the start and the end of the period with \
                the change (in total, by department, by enterprise), training held by kind (events, \
                enrolled, participants, person-hours), the exam funnel of the sessions held in the \
                period, posts developed and filled, service organizations, services by kind, and \
                funding by source, exact to the fen.

                The period defaults to the pilot year: from the day the application entered the pilot \
                (or the day after the program's confirmation deadline) for the program's pilot months.
                The enterprises involved are a region's enterprises, the enterprise itself, or those a \
                service organization served or was paid for.

                HTML is in Chinese, with the header block (报送单位, default the applicant, or a \
                region's 民政局; 填报人, 审核人, 联系电话 from the options or blank lines) and the notes \
                on method. ID numbers appear in CSV and JSON masked (first 6 and last 4 characters) \
                unless --include-id-numbers is given; HTML never shows them. --lang zh writes the CSV \
                with Chinese headers and values. Output goes to stdout or to --out FILE through a \
                temporary file and a rename.

                Bad input: an unknown application, or --to before --from, is refused with exit 3 and \
                nothing is written.

                Example:
                  esw report pilot --application 1 --format html --out pilot-1.html
                """)
        @Option(help: "The pilot application.") var application: Int
        @Option(help: "First day of the period (default: the pilot year's).") var from: CalendarDate?
        @Option(help: "Last day of the period (default: the pilot year's).") var to: CalendarDate?
        @Option(help: "html, csv or json.") var format: ReportFormat = .html
        @Option(help: "Write to this file instead of stdout.") var out: String?
        @Option(help: "CSV headers and values: en (default) or zh.") var lang: CSVLanguage = .en
        @Flag(help: "Show whole ID numbers in CSV and JSON (never in HTML).") var includeIDNumbers = false
        @OptionGroup var header: ReportHeaderOptions
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let report = try Reports(db: try database.connect()).pilot(
                    applicationID: application, from: from, to: to, today: .today())
                let text: String
                switch format {
                case .html: text = report.html(header: header.header)
                case .json: text = report.json(includeIDNumbers: includeIDNumbers).serialized(pretty: true) + "\n"
                case .csv:
                    let table = report.csvRows(includeIDNumbers: includeIDNumbers, language: lang)
                    text = CSVWriter.document(headers: table.headers, rows: table.rows)
                }
                try emit(text, to: out)
            }
        }
    }
}

struct ApplicationFormCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "application-form",
        abstract: "The application form (申报表) of a pilot application, filled from the tracker's data.",
        discussion: """
            The applicant (申报单位) with its kind, code, region, 职工总数 (the enterprises' \
            registered employees), 地址, 行业/性质, 联系人 and 电话 (from the options, or blanks to \
            fill in), its program, staff of the five departments and the practitioners with their \
            certified counts and ratio, certified staff by level, posts, the planned measures of the \
            plan filed with the application (esw pilot apply --plan), boxes for the endorsements, \
            and the notes on method. Figures are those on --as-of (default: the day the application \
            was submitted); 填表日期 is the day the form is made. One self-contained HTML file in \
            Chinese that prints on A4.

            Bad input: an unknown application is refused with exit 3 and nothing is written.

            Example:
              esw report application-form --application 1 --format html --out form-1.html
            """)
    enum FormFormat: String, ExpressibleByArgument, CaseIterable { case html }

    @Option(help: "The pilot application.") var application: Int
    @Option(help: "The date of the figures (default: the submission date).") var asOf: CalendarDate?
    @Option(help: "html (the form is for print).") var format: FormFormat = .html
    @Option(help: "Write to this file instead of stdout.") var out: String?
    @Option(help: "联系人: the contact person (default: a blank to fill in).") var contact: String?
    @Option(help: "地址: the applicant's address (default: a blank).") var address: String?
    @Option(help: "行业/性质: industry or nature of the unit (default: a blank).") var industry: String?
    @OptionGroup var header: ReportHeaderOptions
    @OptionGroup var database: ReadDatabaseOptions

    func run() throws {
        try reportingErrors {
            let form = try Reports(db: try database.connect()).applicationForm(applicationID: application, asOf: asOf)
            let details = ApplicantDetails(contact: contact, address: address, industry: industry)
            try emit(form.html(header: header.header, details: details), to: out)
        }
    }
}

struct Evidence: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The evidence pack of a pilot application: a ZIP with a MANIFEST of SHA-256 digests.",
        discussion: """
            The pack holds the pilot report (试点工作报告.html and .json), the attendance sheet of \
            every training event of the period (签到表/培训活动-N.csv, with a blank 签到 column and \
            a note on each row still "enrolled" after the event), the certificates held by the \
            staff (持证情况.csv), the exam funnel (考试情况.csv), posts (岗位开发.csv), services \
            (服务开展.csv) and funding (资金投入.csv): Chinese names and headers, CSV in UTF-8 with \
            BOM. MANIFEST gives the application, the period, the as-of date and each file's \
            English name (pilot-report.html, attendance/event-N.csv, certificates.csv, …) as \
            comment lines, then one "<sha256>  <file>" line per file (the format of sha256sum, so \
            that `sha256sum -c MANIFEST` checks an unzipped pack too). The command prints the SHA-256 of \
            the MANIFEST itself: record it with the submission, and `esw report verify` will show \
            the same number for an unchanged pack.

            ID numbers are masked (first 6 and last 4 characters) unless --include-id-numbers.

            Bad input: an unknown application, or --to before --from, is refused with exit 3 and \
            no file is written; the ZIP is written to a temporary file and renamed.

            Example:
              esw report evidence --application 1 --out evidence-1.zip
            """)
    @Option(help: "The pilot application.") var application: Int
    @Option(help: "First day of the period (default: the pilot year's).") var from: CalendarDate?
    @Option(help: "Last day of the period (default: the pilot year's).") var to: CalendarDate?
    @Option(help: "The ZIP file to write.") var out: String
    @Flag(help: "Put whole ID numbers in the CSV and JSON files.") var includeIDNumbers = false
    @OptionGroup var reportHeader: ReportHeaderOptions
    @OptionGroup var database: ReadDatabaseOptions

    func run() throws {
        try reportingErrors {
            let today = CalendarDate.today()
            let evidence = try Reports(db: try database.connect())
                .evidence(applicationID: application, from: from, to: to, today: today)
            let files = EvidencePack.files(
                evidence, includeIDNumbers: includeIDNumbers, header: reportHeader.header)
            let scope = evidence.report.scope
            let header = EvidencePack.header(evidence, files: files, includeIDNumbers: includeIDNumbers, asOf: today)
            let digest = try EvidencePack.write(files: files, header: header, to: out, modified: Date())
            say("\(digest)  MANIFEST")
            printError(
                """
                esw: evidence pack of application \(scope.applicationID) written to \(out) (\(files.count) files and \
                MANIFEST)
                """
            )
        }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an evidence pack against its MANIFEST.",
        discussion: """
            Recomputes the SHA-256 of every file in the pack and compares it with the MANIFEST. \
            Prints the MANIFEST's header and its own SHA-256 (compare it with the one recorded at \
            submission), then "intact" and exit 0; or one line per changed, missing or unlisted \
            file and exit 3. A file that is not a pack (not a ZIP, no MANIFEST) is refused with exit \
            3. No database is needed.

            Example:
              esw report verify evidence-1.zip
            """)
    @Argument(help: "The evidence pack (ZIP).") var file: String

    func run() throws {
        try reportingErrors {
            let result = try EvidencePack.verify(path: file)
            for line in result.header { say(line) }
            say("\(result.manifestDigest)  MANIFEST")
            guard result.problems.isEmpty else {
                for problem in result.problems { printError("esw: \(problem)") }
                throw ExitStatus.invalidInput
            }
            say("intact: \(result.checked) files match their SHA-256 in MANIFEST")
        }
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case html, csv, json
}

/// The header block of a printed report: who sends it, who filled it in and checked it, and a
/// telephone number; an option not given prints as a blank line to fill in by hand.
struct ReportHeaderOptions: ParsableArguments {
    @Option(help: "报送单位: the issuing body (default: see the command's description).") var issuer: String?
    @Option(help: "填报人: who filled the report in (default: a blank line).") var preparer: String?
    @Option(help: "审核人: who checked it (default: a blank line).") var reviewer: String?
    @Option(help: "联系电话: a telephone number (default: a blank line).") var phone: String?

    var header: ReportHeader {
        ReportHeader(issuer: issuer, preparer: preparer, reviewer: reviewer, phone: phone, generatedOn: .today())
    }
}

/// Writes a report to stdout, or atomically to a file and says where it is.
func emit(_ text: String, to path: String?) throws {
    guard let path else {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    try writeAtomically(text, to: path)
    printError("esw: report written to \(path)")
}
