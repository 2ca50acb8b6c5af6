import CalendarDates
public import Workforce

/// How a result is shown: a text table for a terminal, CSV for a spreadsheet, JSON for a program.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv
}

/// The language of a text table's terms: Chinese names (工会, 已总结) by default, or the codes
/// (union, summarized) that CSV and JSON always carry.
public enum Language: String, CaseIterable, Sendable {
    case zh, en

    /// A cell of terms as this language shows it: each space-separated word that is a code of
    /// `vocabulary` (trailing "," or ";" aside) becomes its Chinese name in `.zh`; other words, such
    /// as years and scores, stay as they are. "all" (every department) is 全部.
    public func cell(_ text: String, _ vocabulary: any Vocabulary.Type) -> String {
        guard self == .zh else { return text }
        return text.split(separator: " ", omittingEmptySubsequences: false).map { word in
            let core = word.prefix { $0 != "," && $0 != ";" }
            let name = core == "all" ? "全部" : vocabulary.chineseName(ofCode: String(core))
            return name.map { $0 + word.dropFirst(core.count) } ?? String(word)
        }.joined(separator: " ")
    }
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
    /// Columns of codes of a vocabulary, which a text table shows in its ``Language``.
    public var terms: [Int: any Vocabulary.Type] = [:]
    /// Vocabularies whose codes the ``tableFooter`` lines show in the table's ``Language``.
    public var footerTerms: [any Vocabulary.Type] = []
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

    /// Sets the vocabulary of columns of codes (see ``terms``).
    public func terms(_ columns: [Int: any Vocabulary.Type]) -> Listing {
        var listing = self
        listing.terms.merge(columns) { $1 }
        return listing
    }

    /// The whole text to write, ending with a line break; a text table shows terms in `language`,
    /// CSV and JSON always the codes.
    public func rendered(as format: OutputFormat, language: Language = .zh) -> String {
        switch format {
        case .table:
            TextTable(
                headers: headers,
                rows: rows.map { row in
                    row.enumerated().map { index, cell in terms[index].map { language.cell(cell, $0) } ?? cell }
                }, rightAligned: rightAligned
            ).render()
                + tableFooter.map { line in
                    footerTerms.reduce(line) { line, vocabulary in language.cell(line, vocabulary) } + "\n"
                }.joined()
        case .csv: CSVWriter.document(headers: headers, rows: rows)
        case .json: json().serialized(pretty: true) + "\n"
        }
    }

}

extension Remedy {
    /// The esw command that does it: how the command line names a remedy, and the API where it has
    /// no request of its own.
    public var eswCommand: String {
        switch self {
        case .addOrImportEnterprise: "esw enterprise add or esw enterprise import"
        case .listEnterprises: "esw enterprise list"
        case .addServiceOrganization: "esw org add"
        case .listExamSessions: "esw exam session list"
        case .setExamWindow: "esw exam window set"
        case .recordLeaving: "esw staff leave"
        case .amendService: "esw service amend or esw service delete"
        case .amendFunding: "esw funding amend or esw funding delete"
        case .correctName: "esw staff rename"
        }
    }
}
