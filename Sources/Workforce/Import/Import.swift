public import CalendarDates
import Foundation
import PostgresClient

/// A column an import reads, by its key (the English header) and the other headers people use.
public struct ImportColumn: Sendable {
    public let key: String
    public let aliases: [String]
    public let required: Bool

    public init(_ key: String, aliases: [String] = [], required: Bool = true) {
        self.key = key
        self.aliases = aliases
        self.required = required
    }

    /// The resident ID number column, under the names Chinese spreadsheets give it.
    static let idNumber = ImportColumn(
        "id_number", aliases: ["身份证号", "公民身份号码", "身份证号码", "居民身份证号"])

    func matches(header: String) -> Bool {
        let normalized = ImportColumn.normalize(header)
        return ImportColumn.normalize(key) == normalized
            || aliases.contains { ImportColumn.normalize($0) == normalized }
    }

    static func normalize(_ header: String) -> String {
        header.trimmingSpaces.lowercased().replacingOccurrences(of: " ", with: "_")
    }
}

/// One rejected value: the file line, the column as the file names it (or the field key, for a
/// record given field by field), the value and the reason.
public struct RowError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: String
    public let value: String
    public let reason: Reason

    public init(line: Int, column: String, value: String, reason: Reason) {
        self.line = line
        self.column = column
        self.value = value
        self.reason = reason
    }

    /// "line 3, name '…': reason", or "line 3, name: reason" for a value that is withheld (a name
    /// or an ID number that may not be shown) or empty.
    public var description: String {
        "line \(line), \(column)\(value.isEmpty ? "" : " '\(value)'"): \(reason)"
    }
}

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    public var encoding: SpreadsheetEncoding = .utf8
    public var read = 0
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    /// Where the rejected rows were saved, with a reason column, when invalid rows were skipped.
    public var rejectsFile: String?
    /// The SHA-256 of the file as read, in hex (also in the audit trail's entries of the import).
    public var sha256: String?
}

/// A file with more data rows than ``ImportOptions/maximumRows``: nothing of it was written.
public struct ImportTooManyRows: Error, Sendable, CustomStringConvertible {
    public let limit: Int
    public var description: String {
        "the file has more than \(limit) rows; split it into files of at most \(limit) rows"
    }
}

/// How to run an import.
public struct ImportOptions: Sendable {
    /// Write the valid rows and save the rejected ones, instead of writing nothing.
    public var skipInvalid = false
    /// Where to save rejected rows; default: next to the input, as NAME.rejected.csv.
    public var rejectsPath: String?
    /// Whether a rejects file may replace an existing file (never the input).
    public var replaceRejects = false
    /// Saves the rejected rows to a path; the front end chooses the file's format and words. It
    /// runs inside the import's transaction, so a failure to save imports nothing.
    public var saveRejects: (@Sendable (_ rejected: RejectedRows, _ path: String) throws -> Void)?
    /// Called every so many rows with the count read so far.
    public var progress: (@Sendable (Int) -> Void)?
    /// The day that dates in the file must not be after.
    public var today: CalendarDate
    /// The most data rows a file may hold (the web server's `--rows-per-upload`); a longer file is
    /// refused with ``ImportTooManyRows`` and nothing of it is written. Nil: no limit (the CLI).
    public var maximumRows: Int?

    public init(
        skipInvalid: Bool = false, rejectsPath: String? = nil, today: CalendarDate, replaceRejects: Bool = false,
        saveRejects: (@Sendable (_ rejected: RejectedRows, _ path: String) throws -> Void)? = nil,
        progress: (@Sendable (Int) -> Void)? = nil
    ) {
        self.skipInvalid = skipInvalid
        self.rejectsPath = rejectsPath
        self.replaceRejects = replaceRejects
        self.saveRejects = saveRejects
        self.today = today
        self.progress = progress
    }
}

/// Where each column key sits in a file, and how the file names it.
final class FieldLayout {
    let indexForKey: [String: Int]
    let headerForKey: [String: String]
    /// The keys and their columns as two lists: a row's few keys are found by comparing short
    /// strings, cheaper than hashing the key for every value of a million rows.
    private let keys: [String]
    private let indices: [Int]

    init(indexForKey: [String: Int], headerForKey: [String: String]) {
        self.indexForKey = indexForKey
        self.headerForKey = headerForKey
        keys = Array(indexForKey.keys)
        indices = keys.map { indexForKey[$0]! }
    }

    /// The column of a key, nil when the file has none.
    func index(of key: String) -> Int? {
        for position in keys.indices where keys[position] == key { return indices[position] }
        return nil
    }
}

/// The values of one record by column key, and where to report a problem with them.
struct RowFields {
    let line: Int
    let fields: [String]
    let layout: FieldLayout
    var errors: [RowError] = []

    init(line: Int, fields: [String], layout: FieldLayout) {
        self.line = line
        self.fields = fields
        self.layout = layout
    }

    /// One record given by key, as the single-record commands have it.
    init(line: Int, values: [String: String], headers: [String: String]) {
        let keys = Array(values.keys)
        self.init(
            line: line, fields: keys.map { values[$0]! },
            layout: FieldLayout(
                indexForKey: Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) }), headerForKey: headers
            ))
    }

    /// The trimmed value of a column, "" when the file has no such column.
    func value(_ key: String) -> String {
        guard let index = layout.index(of: key), index < fields.count else { return "" }
        return fields[index].trimmingSpaces
    }

    /// Every value by key, for the rejects file.
    var valuesByKey: [String: String] {
        layout.indexForKey.mapValues { $0 < fields.count ? fields[$0].trimmingSpaces : "" }
    }

    var headers: [String: String] { layout.headerForKey }

    /// Checks a code column: its normalized form, or nil after rejecting it with the reason.
    mutating func code(_ key: String, _ check: (String) -> CodeCheck) -> String? {
        switch check(value(key)) {
        case .valid(let normalized): return normalized
        case .invalid(let reason):
            reject(key, Reason(reason))
            return nil
        }
    }

    /// Checks a free-text column (a name, a title, a number) with ``TextLimits``: its NFC-normalized,
    /// trimmed form, or nil when it is empty and not `required`, or after rejecting it. The
    /// rejection does not quote the value (it may be a person's name).
    mutating func text(_ key: String, _ kind: TextLimits.Kind, required: Bool = true) -> String? {
        let raw = value(key)
        if raw.isEmpty, !required { return nil }
        switch TextLimits.check(raw, as: kind) {
        case .valid(let normalized): return normalized
        case .invalid(let reason):
            reject(key, Reason(reason), withholdingValue: true)
            return nil
        }
    }

    /// Records a rejected column; `withholdingValue` leaves the value out of the error.
    mutating func reject(_ key: String, _ reason: Reason, withholdingValue: Bool = false) {
        errors.append(
            RowError(
                line: line, column: layout.headerForKey[key] ?? key, value: withholdingValue ? "" : value(key),
                reason: reason))
    }

    /// Rejects every cell, mapped or not, that holds a control character (tab and line breaks
    /// aside) or is longer than any cell is read; such a row goes no further.
    mutating func checkCells(headers: [String]) {
        for (index, cell) in fields.enumerated() {
            guard let problem = TextLimits.cellProblem(cell) else { continue }
            let column = index < headers.count && !headers[index].isEmpty ? headers[index] : "column \(index + 1)"
            errors.append(RowError(line: line, column: column, value: "", reason: Reason(problem)))
        }
    }
}

/// What differs between the enterprise, staff and certificate imports; the pipeline is shared.
struct ImportDefinition {
    /// The subject named in the audit trail ("staff import").
    let action: String
    let columns: [ImportColumn]
    /// Typed staging columns in the order `validate` returns values, e.g. "id_number text".
    let stagingColumns: [String]
    /// Checks one record; returns the staging values, or nil after calling `reject`.
    let validate: (inout RowFields) -> [String?]?
    /// Set-based checks over the staging table `import_staging`, each returning rows of
    /// (line int, column key text, value text, reason text).
    let crossChecks: [SQLQuery]
    /// Merges `import_staging` into the real tables: (inserted, updated, unchanged).
    let merge: (Connection) throws -> (inserted: Int, updated: Int, unchanged: Int)
}

/// Runs an import: reads the file, validates every row, COPYs the valid ones into a staging
/// table, checks what needs the database, and merges in one transaction. With any bad row and no
/// `skipInvalid`, nothing is written and ``ImportRejected`` lists every bad row. `run` (in
/// ConcurrentImports.swift) runs the whole of it again when a concurrent transaction got in the way.
struct ImportPipeline {
    let definition: ImportDefinition

    /// One attempt: reads the files and runs the transaction once, one file after the other. A file
    /// with bad rows (and no `skipInvalid`) merges nothing, the files after it are still read and
    /// checked, so that every file's bad rows are listed, and then nothing of any file is written
    /// (``ImportRejected`` for one file, ``ImportsRejected`` for several). The deferred recomputation of
    /// the maintained ratio figure (sql/0021) runs once, at COMMIT, for all the files together.
    func runOnce(paths: [String], on db: Connection, options: ImportOptions) throws -> [ImportSummary] {
        if options.skipInvalid, options.saveRejects != nil {
            for path in paths {
                try ImportPipeline.checkRejectsPath(
                    options.rejectsPath ?? ImportPipeline.defaultRejectsPath(for: path), input: path,
                    replacing: options.replaceRejects)
            }
        }
        return try db.transaction { db in
            var summaries: [ImportSummary] = []
            var rejected: [ImportRejected] = []
            for path in paths {
                do {
                    summaries.append(try importFile(path: path, on: db, options: options))
                } catch let refused as ImportRejected {
                    rejected.append(refused)
                }
            }
            if let first = rejected.first { throw paths.count == 1 ? first : ImportsRejected(files: rejected) }
            return summaries
        }
    }

    /// Reads, stages, checks and merges one file inside the caller's transaction.
    private func importFile(path: String, on db: Connection, options: ImportOptions) throws -> ImportSummary {
        let reader = try SpreadsheetReader(path: path)
        guard let headerRecord = try reader.next() else {
            throw SpreadsheetError(path: path, reason: "the file is empty; expected a header row")
        }
        let mapping = try mapHeaders(headerRecord.fields, path: path)
        let fileHeaders = headerRecord.fields.map(\.trimmingSpaces)
        var summary = ImportSummary(encoding: reader.encoding)

        let columnList = definition.stagingColumns.joined(separator: ", ")
        // The file before it in the same transaction left its own (pg_temp: never a table of that
        // name in the schema).
        try db.execute(
            script: """
                DROP TABLE IF EXISTS pg_temp.import_staging;
                CREATE TEMP TABLE import_staging (line integer NOT NULL, \(columnList)) ON COMMIT DROP
                """)
        let names = definition.stagingColumns.map { String($0.split(separator: " ")[0]) }
        var errors: [RowError] = []
        var rejectedRecords: [Int: [String: String]] = [:]
        let layout = mapping.layout
        try db.copyIn(CopyStatement(table: "import_staging", columns: ["line"] + names)) { writer in
            while let record = try reader.next() {
                summary.read += 1
                if let limit = options.maximumRows, summary.read > limit { throw ImportTooManyRows(limit: limit) }
                if summary.read % 50_000 == 0 { options.progress?(summary.read) }
                var fields = RowFields(line: record.line, fields: record.fields, layout: layout)
                fields.checkCells(headers: fileHeaders)
                if fields.errors.isEmpty, let staged = definition.validate(&fields), fields.errors.isEmpty {
                    try writer.writeRow([String(record.line)] + staged)
                } else {
                    errors += fields.errors
                    rejectedRecords[record.line] = fields.valuesByKey
                }
            }
        }
        options.progress?(summary.read)
        // The database's audit trail names this as the source of the import's statements: the
        // action, the file's name and the SHA-256 of the bytes just read (not of a second read,
        // which a file changed meanwhile would make another file's).
        summary.sha256 = reader.sha256
        let source =
            definition.action + " " + URL(fileURLWithPath: path).lastPathComponent
            + (reader.sha256.map { " sha256:" + $0 } ?? "")
        try db.execute("SELECT set_config('esw.source', \(source), true)")
        try db.execute(script: "CREATE INDEX ON import_staging (line); ANALYZE import_staging")
        for check in definition.crossChecks {
            for row in try db.query(check) {
                let key: String = try row.decode(1)
                errors.append(
                    RowError(
                        line: try row.decode(0), column: mapping.headerForKey[key] ?? key,
                        value: try row.decode(2, as: String?.self) ?? "", reason: Reason(parsing: try row.decode(3))
                    ))
            }
        }
        errors.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        let badLines = Set(errors.map(\.line))
        if !badLines.isEmpty {
            guard options.skipInvalid else { throw ImportRejected(path: path, errors: errors, read: summary.read) }
            let stagedBadLines = badLines.filter { rejectedRecords[$0] == nil }.sorted()
            if !stagedBadLines.isEmpty {
                let rows = try db.query(
                    "DELETE FROM import_staging WHERE line = ANY(\(stagedBadLines)) RETURNING *")
                for row in rows {
                    var values: [String: String] = [:]
                    for (offset, name) in names.enumerated() { values[name] = try row.text(offset + 1) ?? "" }
                    rejectedRecords[try row.decode(0)] = values
                }
            }
            summary.rejected = badLines.count
            if let save = options.saveRejects {
                let rejectsPath = options.rejectsPath ?? ImportPipeline.defaultRejectsPath(for: path)
                try save(rejectedRows(records: rejectedRecords, errors: errors, mapping: mapping), rejectsPath)
                summary.rejectsFile = rejectsPath
            }
        }
        // Plans this session keeps (the foreign-key checks', the triggers') were made for the
        // tables as they were at their first use, perhaps empty: a foreign-key check planned as a
        // scan of a then one-page person table scans it, grown, for every row. Plan them anew.
        try db.execute(script: "DISCARD PLANS")
        let merged = try definition.merge(db)
        summary.inserted = merged.inserted
        summary.updated = merged.updated
        summary.unchanged = merged.unchanged
        try Audit.record(
            on: db, action: definition.action, subject: URL(fileURLWithPath: path).lastPathComponent,
            detail: [
                "read": summary.read, "inserted": summary.inserted, "updated": summary.updated,
                "unchanged": summary.unchanged, "rejected": summary.rejected, "sha256": summary.sha256 ?? "",
            ])
        return summary
    }

    /// Writes the rows of `query` (trusted SQL text) into a new temporary table `name`, dropped at
    /// commit, and analyzes it.
    ///
    /// A merge reads the tables it writes in such a statement, before writing them; the writes then
    /// read only these tables and find target rows by primary key (or let a unique index decide,
    /// `ON CONFLICT`). A statement that reads a table while writing it is quadratic under a nested
    /// loop: each rescan of the table reads the rows the statement has added so far (invisible to
    /// it, but on its pages). PostgreSQL plans that loop when its statistics say the table is empty,
    /// as they do after `VACUUM ANALYZE` of an empty database, whatever it holds by then.
    static func materialize(_ db: Connection, _ name: String, as query: String) throws {
        // A file before this one in the same transaction (a roster's parts) left its own.
        try db.execute(
            script: """
                DROP TABLE IF EXISTS pg_temp.\(name);
                CREATE TEMP TABLE \(name) ON COMMIT DROP AS \(query);
                ANALYZE \(name)
                """)
    }

    static func mergeCounts(_ row: Row) throws -> (inserted: Int, updated: Int, unchanged: Int) {
        let total: Int = try row.decode(0), inserted: Int = try row.decode(1), updated: Int = try row.decode(2)
        return (inserted, updated, total - inserted - updated)
    }

    static func optionalDate(_ row: inout RowFields, _ key: String, today: CalendarDate) -> CalendarDate? {
        let text = row.value(key)
        guard !text.isEmpty else { return nil }
        guard let date = CalendarDate(text: text) else {
            row.reject(key, "is not a date; write it as \(CalendarDate.acceptedForms)")
            return nil
        }
        if date > today {
            row.reject(key, "is after today (\(today))")
            return nil
        }
        if date < .earliestRecord {
            row.reject(key, RecordDates.beforeEarliest)
            return nil
        }
        return date
    }

    /// Refuses, before anything is read, a rejects file that would overwrite the input or, unless
    /// `replacing`, any existing file: the person's own spreadsheet must never be lost.
    static func checkRejectsPath(_ rejects: String, input: String, replacing: Bool) throws {
        var rejectsInfo = stat()
        guard stat(rejects, &rejectsInfo) == 0 else { return }
        var inputInfo = stat()
        let inputFound = stat(input, &inputInfo) == 0
        if inputFound, inputInfo.st_dev == rejectsInfo.st_dev, inputInfo.st_ino == rejectsInfo.st_ino {
            throw WorkforceError.invalid(
                field: "rejects", value: rejects, reason: "is the file being imported; choose another path")
        }
        guard replacing else {
            throw WorkforceError.invalid(
                field: "rejects", value: rejects,
                reason: "exists already; choose another path, or pass \(field: "force") to replace it")
        }
    }

    static func defaultRejectsPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingPathExtension().path + ".rejected.csv"
    }

    struct HeaderMapping {
        /// For each key, the file column it comes from.
        var indexForKey: [String: Int]
        /// For each key, the header as the file writes it, for error messages.
        var headerForKey: [String: String]

        var layout: FieldLayout { FieldLayout(indexForKey: indexForKey, headerForKey: headerForKey) }
    }

    private func mapHeaders(_ headers: [String], path: String) throws -> HeaderMapping {
        var mapping = HeaderMapping(indexForKey: [:], headerForKey: [:])
        for (index, header) in headers.enumerated() {
            let column = definition.columns.first { $0.matches(header: header) }
            if let column {
                if let earlier = mapping.headerForKey[column.key] {
                    throw SpreadsheetError(
                        path: path,
                        reason: "columns '\(earlier)' and '\(header.trimmingSpaces)' both give \(column.key); keep one")
                }
                mapping.headerForKey[column.key] = header.trimmingSpaces
                mapping.indexForKey[column.key] = index
            }
        }
        let missing = definition.columns.filter { $0.required && mapping.headerForKey[$0.key] == nil }
        if !missing.isEmpty {
            let described = missing.map { "\($0.key) (\(($0.aliases).joined(separator: " / ")))" }
            throw SpreadsheetError(
                path: path,
                reason:
                    """
                    missing column\(missing.count > 1 ? "s" : ""): \(described.joined(separator: ", ")); the header \
                    row has: \(headers.map(\.trimmingSpaces).joined(separator: ", "))
                    """
            )
        }
        return mapping
    }

    private func rejectedRows(records: [Int: [String: String]], errors: [RowError], mapping: HeaderMapping)
        -> RejectedRows
    {
        let keys = definition.columns.map(\.key).filter { mapping.headerForKey[$0] != nil }
        let reasons = Dictionary(grouping: errors, by: \.line)
        return RejectedRows(
            headers: keys.compactMap { mapping.headerForKey[$0] },
            rows: records.keys.sorted().map { line in
                let values = records[line] ?? [:]
                return .init(line: line, values: keys.map { values[$0] ?? "" }, errors: reasons[line] ?? [])
            })
    }
}

/// The rows an import skipped, as the file had them, each with what was wrong with it.
public struct RejectedRows: Sendable {
    public struct Row: Sendable {
        public let line: Int
        /// The row's values, in the order of `headers`.
        public let values: [String]
        public let errors: [RowError]
    }

    /// The input file's own headers of the columns the import read.
    public let headers: [String]
    public let rows: [Row]
}

/// An import of several files refused because of bad rows in some of them; nothing of any file
/// was written. One ``ImportRejected`` per file with bad rows, in the order given.
public struct ImportsRejected: Error, Sendable, CustomStringConvertible {
    public let files: [ImportRejected]

    public var description: String { files.map(\.description).joined(separator: "\n") }
}

/// An import refused because of bad rows; nothing was written.
public struct ImportRejected: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let errors: [RowError]
    public let read: Int

    public var badLines: Int { Set(errors.map(\.line)).count }

    public var description: String {
        "\(path): \(badLines) of \(read) rows are invalid, nothing was imported\n"
            + errors.map { "  \($0)" }.joined(separator: "\n")
    }
}
