import ArgumentParser
import Foundation
import PostgresClient
import Workforce

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports for provincial bureaus (HTML for print, CSV, JSON).",
        subcommands: [Province.self]
    )

    struct Province: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A province: enterprises ranked by certified ratio, city roll-ups, pilots, quarterly trend.",
            discussion: """
            HTML is one self-contained file that prints on A4, with inline SVG charts (ratio by \
            city, the quarterly trend); CSV is UTF-8 with BOM and a section column; JSON carries \
            "schema_version". The report goes to stdout, or to --out FILE through a temporary file \
            and a rename, so a failed run never leaves half a report.

            Example:
              esw report province --region 440000 --as-of 2014-06-30 --format html --out guangdong.html
            """)
        @Option(help: "The province (xx0000).") var region: String
        @Option(help: "The date (default today).") var asOf: CalendarDate?
        @Option(help: "html, csv or json.") var format: ReportFormat = .html
        @Option(help: "Write to this file instead of stdout.") var out: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let report = try Reports(db: try database.connect()).province(region: region, asOf: asOf ?? .today())
                let text: String
                switch format {
                case .html: text = report.html
                case .json: text = report.json.serialized(pretty: true) + "\n"
                case .csv:
                    let table = report.csvRows
                    text = CSVWriter.byteOrderMark + CSVWriter.line(table.headers) + table.rows.map(CSVWriter.line).joined()
                }
                try emit(text, to: out)
            }
        }
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case html, csv, json
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
