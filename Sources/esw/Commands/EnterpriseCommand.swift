import ArgumentParser
import Foundation
import Workforce
import WorkforceOutput

struct EnterpriseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enterprise",
        abstract: "Add, import and list enterprises.",
        subcommands: [Import.self, Add.self, List.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import enterprises from a CSV file (Excel or WPS export).",
            discussion: """
                Columns, in any order, with English or Chinese headers:
                uscc (统一社会信用代码), name (企业名称 or 单位名称), \
                region_code (行政区划代码), \
                employees (职工人数, optional). \
                UTF-8 with or without BOM, or GB18030/GBK, is detected. An enterprise already on \
                record is updated when its name, region or employee count changed.

                Bad input: every bad row is listed (line, column, value, reason; a region code \
                must be in a GB/T 2260 list since 1981, in use or abolished: 440399 is \
                refused), nothing is written and esw exits 3; with --skip-invalid the valid rows are imported and the \
                rejected ones saved with a reason column.

                Example:
                  esw enterprise import enterprises.csv
                """)

        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var flags: ImportFlags
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let summary = try Enterprises(db: try database.connect()).importFile(
                    path: file, options: flags.options())
                finishImport(summary)
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add one enterprise, or update the one with this USCC.",
            discussion: """
                Bad input (an invalid USCC, a region code in no GB/T 2260 list since 1981 such as \
                440399, an empty name) is refused with the reason and exit 3; nothing \
                is written.

                Example:
                  esw enterprise add --uscc 91440300MA5XXXXXXX --name 深圳某某科技有限公司 \\
                      --region 440305 --employees 1200
                """)

        @Option(help: "Unified social credit code (统一社会信用代码).") var uscc: String
        @Option(help: "The enterprise's name.") var name: String
        @Option(help: "GB/T 2260 division code of where it is registered (e.g. 440305).") var region: String
        @Option(help: "Total number of employees (职工人数).") var employees: Int?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let enterprise = try Enterprises(db: try database.connect())
                    .add(uscc: uscc, name: name, regionCode: region, employees: employees)
                say("\(enterprise.uscc)\t\(enterprise.name)\t\(enterprise.regionCode)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List enterprises, optionally of one region.",
            discussion: """
                --region takes a province (440000), city (440300) or county (440305) code.

                Example:
                  esw enterprise list --region 440000 --format csv > enterprises.csv
                """)

        @Option(help: "Only enterprises in this region (province, city or county code).") var region: String?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let enterprises = try Enterprises(db: try database.connect()).list(inRegion: region)
                emit(Listing.enterprises(enterprises, format: format).rendered(as: format))
            }
        }
    }
}
