public import ArgumentParser
import CalendarDates
import Foundation
import PostgresClient
import Workforce
import WorkforceOutput

/// --database-url: the database to connect to, as every database command and esw serve take it.
struct DatabaseURLOption: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "PostgreSQL URL or libpq conninfo string.",
            discussion: "Default: DATABASE_URL, else libpq's PG* variables, else the dev cluster of scripts/dev-db.",
            valueName: "url"))
    var databaseURL: String?

    /// Where writes go: --database-url, DATABASE_URL, PG* or the dev cluster (nil: libpq decides).
    func conninfo() -> String? {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return DatabaseTarget.conninfo(
            explicit: databaseURL, environment: ProcessInfo.processInfo.environment,
            searchFrom: [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), executable])
    }
}

/// The connection options every database command takes.
struct DatabaseOptions: ParsableArguments {
    @OptionGroup var url: DatabaseURLOption

    @Option(
        help: ArgumentHelp(
            "Act as this esw user (default: ESW_USER; without either, as the database role connected as).",
            discussion: """
                The password comes from ESW_PASSWORD, else a prompt on a terminal. A wrong password, a \
                disabled user or an expired one-time password is refused with exit 1, without saying which.
                """,
            valueName: "name"))
    var user: String?

    /// A connection to a database whose schema is this esw's (see ``Schema/checkCurrent(_:)``);
    /// `db migrate` and `db status` connect with `checkingSchema: false`. With `--user` (or
    /// ESW_USER) the connection acts as that esw user from then on (``Session/signIn(_:user:password:)``).
    func connect(checkingSchema: Bool = true) throws -> Connection {
        let db = try Connection(conninfo: conninfo())
        if checkingSchema { try Schema.checkCurrent(db) }
        if let name = userName() {
            let password = try password(for: name, environment: ProcessInfo.processInfo.environment)
            try Session.signIn(db, user: name, password: password)
        }
        return db
    }

    /// Where writes go: --database-url, DATABASE_URL, PG* or the dev cluster (nil: libpq decides).
    func conninfo() -> String? { url.conninfo() }

    /// The esw user to act as: --user, else ESW_USER; nil to act as the database role.
    func userName() -> String? {
        user ?? ProcessInfo.processInfo.environment["ESW_USER"].flatMap({ $0.isEmpty ? nil : $0 })
    }

    /// ESW_PASSWORD, else a prompt (without echo) on the terminal.
    func password(for name: String, environment: [String: String]) throws -> String {
        if let password = environment["ESW_PASSWORD"] { return password }
        return try promptForSecret("Password for \(TerminalText.safe(name, keepingLayout: false)): ")
    }
}

/// The connection options of a command that only reads: those of ``DatabaseOptions``, and
/// --read-url (or READ_DATABASE_URL), a server to read from instead, such as a streaming-replication
/// standby (docs/scaling.md). Commands that write take ``DatabaseOptions`` alone.
struct ReadDatabaseOptions: ParsableArguments {
    @OptionGroup var primary: DatabaseOptions

    @Option(
        name: .customLong("read-url"),
        help: ArgumentHelp(
            "Read from this server, e.g. a standby (default: READ_DATABASE_URL; else --database-url's).",
            discussion: """
                A streaming-replication standby answers as of the last change it has replayed: when it lags, the \
                command shows the older figures, without a warning. A read server that cannot be reached fails \
                with exit 1; esw does not fall back to the primary. The schema version is checked on the read \
                server. With --user, the sign-in (which writes a session) is made on the --database-url server, \
                which must then be reachable, and esw waits up to \(Int(ReadDatabaseOptions.replayWait)) s for the \
                read server to replay it, else exits 1 saying that it lags.
                """,
            valueName: "url"))
    var readURL: String?

    /// How long a sign-in made on the primary may take to reach the read server.
    static let replayWait = 10.0

    /// A connection for reading: to the read server when one is given (read-only transactions, the
    /// schema checked there, acting as --user signed in on the primary), else as ``DatabaseOptions``.
    func connect() throws -> Connection {
        let environment = ProcessInfo.processInfo.environment
        guard let readURL = (readURL ?? environment["READ_DATABASE_URL"]).flatMap({ $0.isEmpty ? nil : $0 }) else {
            return try primary.connect()
        }
        let db = try ReadServerUnreachable.connecting(to: readURL)
        // Whatever the server is, a read command writes nothing there.
        try db.execute("SET default_transaction_read_only = on")
        try Schema.checkCurrent(db)
        if let name = primary.userName() {
            let password = try primary.password(for: name, environment: environment)
            let token = try Session.open(try Connection(conninfo: primary.conninfo()), user: name, password: password)
            try Session.use(token, on: db)
            try Session.waitForReplay(db, seconds: ReadDatabaseOptions.replayWait)
        }
        return db
    }
}

/// The server given by --read-url (or READ_DATABASE_URL) could not be reached.
struct ReadServerUnreachable: Error {
    let message: String

    static func connecting(to conninfo: String) throws -> Connection {
        do {
            return try Connection(conninfo: conninfo)
        } catch {
            if error.kind == .connection { throw ReadServerUnreachable(message: error.message) }
            throw error
        }
    }
}

/// Reads a secret from the terminal without echo; refuses when there is no terminal to ask on.
func promptForSecret(_ prompt: String) throws -> String {
    guard isatty(STDIN_FILENO) == 1, let answer = getpass(prompt) else {
        throw ValidationError("no password: set ESW_PASSWORD, or run esw on a terminal to be asked for it")
    }
    return String(cString: answer)
}

extension OutputFormat: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}

/// The language of a table's terms, as every listing with terms takes it.
struct LanguageOption: ParsableArguments {
    @Option(
        name: .customLong("lang"),
        help: ArgumentHelp(
            "Terms in a table: zh, their Chinese names (工会, 已总结), or en, the codes (union, summarized).",
            discussion: "CSV and JSON always carry the codes.", valueName: "lang"))
    var language: Language = .zh
}
extension RatioOutput.Breakdown: ExpressibleByArgument {}
extension CSVLanguage: ExpressibleByArgument {}

/// Writes a rendered result to standard output as it is (it ends with its own line break).
func emit(_ text: String) {
    print(text, terminator: "")
}

/// Options shared by the spreadsheet imports.
struct ImportFlags: ParsableArguments {
    @Flag(
        help:
            """
            Import the valid rows and save the rejected ones (with a reason column) to a CSV, instead of importing \
            nothing. A cell with a control character or over 1,000 characters, or a name with an invisible or \
            direction-changing character or over its length, is a bad row like any other; a file that is neither \
            UTF-8 nor GB18030, mixes the two, or holds a byte-order mark after its start is refused whole.
            """
    )
    var skipInvalid = false

    @Option(
        help: ArgumentHelp(
            "Where --skip-invalid saves rejected rows (default: FILE.rejected.csv beside the input).", valueName: "path"
        ))
    var rejects: String?

    @Flag(help: "Let --skip-invalid replace an existing rejects file (never the file being imported).")
    var force = false

    func options() -> ImportOptions {
        var options = ImportOptions(
            skipInvalid: skipInvalid, rejectsPath: rejects, today: CalendarDate.today(),
            replaceRejects: force,
            saveRejects: { rejected, path in
                try RejectsFile.write(rejected, to: path, reason: CommandLineWords.rejectedValue)
            })
        if isatty(STDERR_FILENO) == 1 {
            let started = Date()
            options.progress = { @Sendable rows in
                let seconds = max(Date().timeIntervalSince(started), 0.001)
                FileHandle.standardError.write(Data("\rread \(rows) rows (\(Int(Double(rows) / seconds)) rows/s)".utf8))
            }
        }
        return options
    }
}

/// Exit codes of the contract: 1 database or runtime failure, 2 usage, 3 invalid input data.
enum ExitStatus {
    static let failure = ExitCode(1)
    static let invalidInput = ExitCode(3)
}

/// Runs a command body and turns errors into one clear line on stderr and the right exit code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch let error as ImportRejected {
        printError(CommandLineWords.message(error))
        throw ExitStatus.invalidInput
    } catch let error as ImportsRejected {
        for file in error.files { printError(CommandLineWords.message(file)) }
        printError("Nothing of any of the files was imported.")
        throw ExitStatus.invalidInput
    } catch let error as SpreadsheetError {
        printError("esw: \(error)")
        throw ExitStatus.invalidInput
    } catch let error as WorkforceError {
        printError("esw: \(CommandLineWords.message(error))")
        throw ExitStatus.invalidInput
    } catch let error as FileWriteError {
        printError(
            """
            esw: \(CommandLineWords.flag(error.field)) '\(error.path)': cannot be written: \(error.reason); \
            nothing was written (a file there before is unchanged)
            """)
        throw ExitStatus.failure
    } catch let error as ReadServerUnreachable {
        printError(
            """
            esw: cannot reach the server to read from (--read-url, else READ_DATABASE_URL): \(error.message)
            Start it (a standby of the dev cluster: scripts/replica start), or read from the primary without \
            --read-url and with READ_DATABASE_URL unset.
            """)
        throw ExitStatus.failure
    } catch let error as SessionNotReplayed {
        printError(
            """
            esw: \(error): it lags behind the primary (or is not a standby of the --database-url server); \
            try again, or read from the primary without --read-url
            """)
        throw ExitStatus.failure
    } catch let error as LoginRefused {
        printError("esw: \(error)")
        throw ExitStatus.failure
    } catch let error as SchemaMismatch {
        switch error {
        case .notMigrated: printError("esw: the database has no esw schema; run esw db migrate")
        case .behind(let pending):
            let migrations = pending == 1 ? "1 migration" : "\(pending) migrations"
            printError("esw: the database is \(migrations) behind this esw; run esw db migrate")
        case .newer(let migration):
            printError("esw: this database was migrated by a newer esw (migration \(migration)); upgrade esw")
        }
        throw ExitStatus.failure
    } catch let error as MigrationError {
        printError("esw: \(error)")
        throw ExitStatus.failure
    } catch let error as ConcurrentChange {
        printError("esw: \(error); run it again")
        throw ExitStatus.failure
    } catch let error as PostgresError {
        if error.isLostConnection {
            // Not libpq's text: it names sockets and "terminated abnormally", and says nothing of the data.
            printError(
                """
                esw: the connection to the database was lost before the command finished (the server stopped or \
                restarted, or the network failed)\(error.sqlState.map { " (SQLSTATE \($0))" } ?? ""); the server \
                keeps nothing of a transaction it did not commit; run the command again
                """)
            throw ExitStatus.failure
        }
        switch error.kind {
        case .connection:
            printError(
                """
                esw: cannot reach the database: \(error.message)
                Pass --database-url or set DATABASE_URL, or start the dev cluster with scripts/dev-db start.
                """)
            throw ExitStatus.failure
        default:
            // userMessage carries the SQLSTATE, the names and the reason, never the offending values.
            if error.sqlState == .uniqueViolation {
                // The importers check every key first; a duplicate that gets past them was written by
                // another session at the same moment: not the user's data at fault, and no value shown.
                printError(
                    """
                    esw: another session wrote the same key at the same time: \(error.userMessage); nothing was \
                    written; run the command again
                    """)
                throw ExitStatus.failure
            }
            if RetryPolicy.isTransient(error) {
                printError(
                    """
                    esw: the database stopped this command's transaction because concurrent ones conflicted \
                    with it (imports try \(RetryPolicy.transactions.attempts) times): \(error.userMessage); \
                    nothing was written; run it again
                    """)
                throw ExitStatus.failure
            }
            let refusedClasses = [SQLState.integrityConstraintViolation.errorClass, SQLState.dataException.errorClass]
            if let sqlState = error.sqlState, refusedClasses.contains(sqlState.errorClass) {
                printError("esw: the database refused the data: \(error.userMessage)")
                throw ExitStatus.invalidInput
            }
            if error.sqlState == .readOnlySQLTransaction {
                printError(
                    """
                    esw: the database takes no writes: it is a standby (or read-only) (SQLSTATE 25006); nothing \
                    was written; give the primary's URL (--database-url or DATABASE_URL) to write
                    """)
                throw ExitStatus.failure
            }
            if error.sqlState == .insufficientPrivilege {
                printError("esw: not allowed for this user: \(error.userMessage)")
                throw ExitStatus.failure
            }
            if error.sqlState == .queryCanceled {
                printError(
                    """
                    esw: a statement took longer than the server's statement_timeout (or was cancelled) and was \
                    stopped (SQLSTATE \(SQLState.queryCanceled)); its transaction was rolled back; raise \
                    statement_timeout (e.g. PGOPTIONS='-c statement_timeout=10min') or narrow the command
                    """)
                throw ExitStatus.failure
            }
            if error.sqlState == .undefinedTable || error.sqlState == .undefinedFunction {
                printError("esw: \(error.message); is the database migrated? Run esw db migrate")
                throw ExitStatus.failure
            }
            printError("esw: database error \(error.sqlState.map { "\($0): " } ?? "")\(error.userMessage)")
            throw ExitStatus.failure
        }
    } catch let error as PostgresDecodingError {
        printError("esw: \(error)")
        throw ExitStatus.failure
    } catch {
        printError("esw: \(error)")
        throw ExitStatus.failure
    }
}

/// Prints one line to stdout for a person: values in it cannot drive the terminal (TerminalText).
func say(_ line: some CustomStringConvertible) {
    print(TerminalText.safe(line.description, keepingLayout: true))
}

/// Writes one message to stderr; values quoted in it cannot drive the terminal (TerminalText).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((TerminalText.safe(message, keepingLayout: true) + "\n").utf8))
}

/// The filters every work-area listing takes.
struct WorkAreaListOptions: ParsableArguments {
    @Option(help: "Only this enterprise (USCC).") var enterprise: String?
    @Option(help: "Only enterprises in this region (province, city or county code).") var region: String?
    @Option(help: "From this date.") var from: CalendarDate?
    @Option(help: "To this date (inclusive).") var to: CalendarDate?
    @Option(help: "table, json or csv.") var format: OutputFormat = .table
    @OptionGroup var lang: LanguageOption

    func validate() throws {
        if enterprise != nil && region != nil { throw ValidationError("give --enterprise or --region, not both") }
    }

    func filter(_ db: Connection) throws -> WorkAreaFilter {
        try WorkAreaFilter(db: db, enterpriseUSCC: enterprise, region: region, from: from, to: to)
    }
}

/// Now on the wall clock, for operations that default to "now".
func localNow() -> LocalDateTime {
    let calendar = Calendar(identifier: .gregorian)
    let parts = calendar.dateComponents(in: .current, from: Date())
    return LocalDateTime(date: CalendarDate.today(), hour: parts.hour ?? 0, minute: parts.minute ?? 0)
}

/// Ends the progress line and prints the import summary.
/// Prints an import's summary line; `file` names the file when a command imported several.
func finishImport(_ summary: ImportSummary, file: String? = nil) {
    if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    var text =
        (file.map { "\($0): " } ?? "") + """
            read \(summary.read) rows (\(summary.encoding.rawValue)): inserted \(summary.inserted), updated \
            \(summary.updated), unchanged \(summary.unchanged), rejected \(summary.rejected)
            """
    if let rejectsFile = summary.rejectsFile { text += "; rejected rows saved to \(rejectsFile)" }
    say(text)
}

/// What every correction takes: the record's id and why it is corrected.
struct CorrectionOptions: ParsableArguments {
    @Option(help: "The record's id (as add/record/create printed it, and as listed with --format csv).") var id: Int
    @Option(help: "Why it is corrected; kept in the audit trail (esw audit). At most 500 characters.")
    var reason: String
}

/// Prints a correction's changes, one field a line ("--beneficiaries: 35 → 40"), or that nothing
/// changed.
func sayChanges(_ what: String, _ changes: [FieldChange]) {
    guard !changes.isEmpty else {
        say("\(what): the values given are the ones on record; nothing changed")
        return
    }
    say("\(what) corrected:")
    for change in changes {
        say("  \(CommandLineWords.flag(change.field)): \(change.before ?? "none") → \(change.after ?? "none")")
    }
}
