import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct CertificateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "Import and add social worker certificates.",
        subcommands: [Import.self, Add.self, Register.self, Status.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import certificates from a CSV file (Excel or WPS export).",
            discussion: """
                Columns, in any order, with English or Chinese headers:
                id_number (身份证号), level (证书等级), certificate_no (证书编号), \
                issued_on (发证日期), \
                revoked_on (注销日期, optional), name (姓名, optional: creates persons not yet on a roster). \
                Levels: junior 助理社会工作师, intermediate 社会工作师, senior 高级社会工作师. \
                Re-importing changes nothing; a later file with a revocation date records it.

                Bad input: every bad row is listed (line, column, value, reason; an issue date \
                before 2008, the first national exam, or before the holder's 18th birthday is one), \
                nothing is written and esw exits 3; with --skip-invalid the valid rows are imported and the rejected \
                ones saved with a reason column.

                Example:
                  esw certificate import certificates.csv
                """)

        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var flags: ImportFlags
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let summary = try Certificates(db: try database.connect()).importFile(
                    path: file, options: flags.options())
                finishImport(summary)
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record one certificate.",
            discussion: """
                The same checks as the import; bad input is refused with the reason and exit 3.

                Example:
                  esw certificate add --id-number 110105199003071239 --level intermediate \\
                      --number 201344010000123456 --issued 2013-09-01
                """)

        @Option(help: "Resident ID number of the holder.") var idNumber: String
        @Option(help: "junior, intermediate or senior (or the Chinese title).") var level: String
        @Option(help: "Certificate number (管理号).") var number: String
        @Option(help: "Issue date.") var issued: String
        @Option(help: "Revocation date, if revoked.") var revoked: String?
        @Option(help: "Holder's name, to create a person not yet on any roster.") var name: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let summary = try Certificates(db: try database.connect()).add(
                    idNumber: idNumber, level: level, certificateNo: number, issuedOn: issued, revokedOn: revoked,
                    name: name, today: .today())
                say(summary.inserted == 1 ? "added" : summary.updated == 1 ? "updated" : "unchanged")
            }
        }
    }

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a certificate's registration (登记), first or renewal.",
            discussion: """
                The first registration must fall within 12 months of issue and runs 3 years; a renewal \
                falls in the 3 months before the registration lapses, needs the period's \
                continuing-education hours (72 junior, 90 intermediate and senior, from training \
                attendance) and extends it by 3 years (registration_rule, continuing_education_rule). \
                Refused with the reason and exit 3 otherwise.

                Example:
                  esw certificate register --certificate 201344030100000001 --on 2014-03-01
                """)

        @Option(help: "The certificate number.") var certificate: String
        @Option(help: "The day of registration.") var on: CalendarDate
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let until = try CertificateRegistry(db: try database.connect()).register(
                    certificateNo: certificate, on: on, today: .today())
                say("registered until \(until)")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each certificate's registration state, when it is due, and its continuing-education hours.",
            discussion: """
                States: unregistered (first registration still possible), overdue (its deadline has \
                passed), registered, renewal_due (within the window before it lapses), lapsed. Hours \
                are those credited since the registration in force began (or since issue).

                Example:
                  esw certificate status --enterprise 91440305200000195U --as-of 2015-01-01
                """)

        @Option(help: "Staff of this enterprise (USCC).") var enterprise: String?
        @Option(help: "Staff of enterprises in this region.") var region: String?
        @Option(help: "The day to judge on (default today).") var asOf: CalendarDate?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var lang: LanguageOption
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let statuses = try CertificateRegistry(db: try database.connect())
                    .status(enterpriseUSCC: enterprise, region: region, asOf: asOf ?? .today())
                emit(Listing.certificateStatuses(statuses).rendered(as: format, language: lang.language))
            }
        }
    }
}
