import ArgumentParser
import Foundation
import PostgresClient
import Workforce

struct CertificateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "Import and add social worker certificates.",
        subcommands: [Import.self, Add.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import certificates from a CSV file (Excel or WPS export).",
            discussion: """
            Columns, in any order, with English or Chinese headers:
            id_number (身份证号), level (证书等级), certificate_no (证书编号), issued_on (发证日期), \
            revoked_on (注销日期, optional), name (姓名, optional: creates persons not yet on a roster). \
            Levels: junior 助理社会工作师, intermediate 社会工作师, senior 高级社会工作师. \
            Re-importing changes nothing; a later file with a revocation date records it.

            Bad input: every bad row is listed (line, column, value, reason), nothing is written \
            and esw exits 3; with --skip-invalid the valid rows are imported and the rejected \
            ones saved with a reason column.

            Example:
              esw certificate import certificates.csv
            """)

        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var flags: ImportFlags
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let summary = try Roster(db: try database.connect()).importCertificates(path: file, options: flags.options())
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
              esw certificate add --id-number 110105199003071239 --level intermediate --number 201344010000123456 --issued 2013-09-01
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
                let summary = try Roster(db: try database.connect()).addCertificate(
                    idNumber: idNumber, level: level, certificateNo: number, issuedOn: issued, revokedOn: revoked,
                    name: name, today: .today())
                print(summary.inserted == 1 ? "added" : summary.updated == 1 ? "updated" : "unchanged")
            }
        }
    }
}
