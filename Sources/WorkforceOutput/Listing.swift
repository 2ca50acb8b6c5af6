import CalendarDates
import Workforce

/// How a result is shown: a text table for a terminal, CSV for a spreadsheet, JSON for a program.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv
}

/// A table of text: a header and rows, as CSV files and text tables want them.
public struct RecordTable: Sendable {
    public let headers: [String]
    public let rows: [[String]]

    public init(headers: [String], rows: [[String]]) {
        self.headers = headers
        self.rows = rows
    }
}

/// A result that is rows of cells, shown three ways: a text table (numbers right-aligned), CSV
/// (UTF-8 with BOM, CRLF) and its documented JSON shape.
public struct Listing {
    public let headers: [String]
    public let rows: [[String]]
    /// Columns aligned to the right in the text table (numbers).
    public let rightAligned: Set<Int>
    /// Lines under the text table (totals), not part of CSV or JSON.
    public var tableFooter: [String] = []
    private let json: () -> JSON

    public init(headers: [String], rows: [[String]], rightAligned: Set<Int> = [], json: @escaping () -> JSON) {
        self.headers = headers
        self.rows = rows
        self.rightAligned = rightAligned
        self.json = json
    }

    /// A table of records whose JSON is an array of objects keyed by the headers: empty cells are
    /// null and the `numeric` columns numbers.
    public init(records: RecordTable, numeric: Set<Int> = []) {
        self.init(headers: records.headers, rows: records.rows, rightAligned: numeric) {
            .array(
                records.rows.map { row in
                    .object(
                        zip(records.headers, row).enumerated().map { index, pair in
                            (
                                pair.0,
                                pair.1.isEmpty ? .null : numeric.contains(index) ? .number(pair.1) : .string(pair.1)
                            )
                        })
                })
        }
    }

    /// The whole text to write, ending with a line break.
    public func rendered(as format: OutputFormat) -> String {
        switch format {
        case .table:
            TextTable(headers: headers, rows: rows, rightAligned: rightAligned).render()
                + tableFooter.map { $0 + "\n" }.joined()
        case .csv: CSVWriter.document(headers: headers, rows: rows)
        case .json: json().serialized(pretty: true) + "\n"
        }
    }

}
