import ArgumentParser
import CalendarDates
import Foundation
import Logging
import PostgresClient
import Workforce
import WorkforceWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web pages (in Chinese) to coordinators, HR staff and bureaus until stopped.",
        discussion: """
            Every setting is a flag or, when the flag is absent, an environment variable (named after \
            each flag); nothing else is read. Each request runs in one transaction as the user who \
            signed in, so PostgreSQL's row-level security decides what they see. Users sign in with \
            the name and password of esw user add; a one-time password must be replaced first.

            esw serve checks the database's schema before it listens, and exits 1 when the database \
            cannot be reached or is not migrated (as every command), or when it cannot listen on the \
            address (in use, or not this machine's). A flag or variable that is not a number where a \
            number is asked for, or out of its range, is a usage error (exit 2) naming it.

            While serving: a request that finds no free connection within --acquire-timeout, or whose \
            statement runs longer than --statement-timeout, gets 503; a body over --body-limit gets \
            413. Each request is logged on standard output (method, path without the query string, \
            status, duration, user, request id; never a password, cookie, token or ID number). \
            SIGTERM or SIGINT (Ctrl-C) stops accepting connections, lets the requests in flight \
            finish, closes the database connections and exits 0.

            Sign-in is throttled: after 5 failed logins of a name, or 20 from one address, within 15 \
            minutes, further attempts get 429 until the window has passed, without checking the \
            password. Behind nginx with TLS, give --secure-cookies and --behind-proxy (docs/deploy/ \
            has a systemd unit and an nginx site).

            Example:
              esw serve --port 8080 --connections 8
            """)

    @Option(
        help: ArgumentHelp(
            "The address to listen on (default: ESW_HOST, else 127.0.0.1, this machine only).", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("The port (default: ESW_PORT, else 8080).", valueName: "port"))
    var port: Int?

    @OptionGroup var database: DatabaseURLOption

    @Option(
        help: ArgumentHelp(
            "Database connections, 1 to 100: at most this many requests use the database at once (default: "
                + "ESW_CONNECTIONS, else 8).", valueName: "n"))
    var connections: Int?

    @Option(
        help: ArgumentHelp(
            "Seconds one statement of a request may run, 1 to 600 (default: ESW_STATEMENT_TIMEOUT, else 5).",
            valueName: "seconds"))
    var statementTimeout: Int?

    @Option(
        help: ArgumentHelp(
            "Seconds a request waits for a free connection, 1 to 600 (default: ESW_ACQUIRE_TIMEOUT, else 5).",
            valueName: "seconds"))
    var acquireTimeout: Int?

    @Option(
        help: ArgumentHelp(
            "The largest request body in MB, 1 to 1024 (default: ESW_BODY_LIMIT_MB, else 20).", valueName: "mb"))
    var bodyLimit: Int?

    @Option(
        help: ArgumentHelp(
            "The most rows one uploaded spreadsheet may hold, 1 to 10000000 (default: ESW_ROWS_PER_UPLOAD, "
                + "else 100000).", valueName: "n"))
    var rowsPerUpload: Int?

    @Option(
        help: ArgumentHelp(
            "Show the home pages' figures as of this date instead of today (a demo or training on old data).",
            valueName: "date"))
    var asOf: CalendarDate?

    @Flag(
        help: ArgumentHelp(
            "Mark the session cookie Secure, for serving behind TLS (default: on when ESW_SECURE_COOKIES is 1)."))
    var secureCookies = false

    @Flag(
        help: ArgumentHelp(
            "Behind a reverse proxy on this machine: count failed logins by the X-Forwarded-For address it "
                + "adds, not by the proxy's (default: on when ESW_BEHIND_PROXY is 1)."))
    var behindProxy = false

    /// The settings from the flags, else the environment, else the defaults.
    func webConfiguration(environment: [String: String]) throws -> WebConfiguration {
        func number(_ flag: Int?, _ name: String, variable: String, range: ClosedRange<Int>) throws -> Int? {
            let text = environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            guard let value = flag ?? text.map({ Int($0) ?? Int.min }) else { return nil }
            guard range.contains(value) else {
                let source = flag != nil ? "--\(name)" : variable
                throw ValidationError(
                    "\(source) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        var configuration = WebConfiguration()
        if let host = host ?? environment["ESW_HOST"].flatMap({ $0.isEmpty ? nil : $0 }) { configuration.host = host }
        if let port = try number(port, "port", variable: "ESW_PORT", range: 1...65535) { configuration.port = port }
        if let value = try number(connections, "connections", variable: "ESW_CONNECTIONS", range: 1...100) {
            configuration.connections = value
        }
        if let value = try number(
            statementTimeout, "statement-timeout", variable: "ESW_STATEMENT_TIMEOUT", range: 1...600)
        {
            configuration.statementTimeoutMilliseconds = value * 1000
        }
        if let value = try number(acquireTimeout, "acquire-timeout", variable: "ESW_ACQUIRE_TIMEOUT", range: 1...600) {
            configuration.acquireTimeoutMilliseconds = value * 1000
        }
        if let value = try number(bodyLimit, "body-limit", variable: "ESW_BODY_LIMIT_MB", range: 1...1024) {
            configuration.bodyLimitBytes = value * 1024 * 1024
        }
        if let value = try number(
            rowsPerUpload, "rows-per-upload", variable: "ESW_ROWS_PER_UPLOAD", range: 1...10_000_000)
        {
            configuration.rowsPerUpload = value
        }
        configuration.secureCookies = secureCookies || environment["ESW_SECURE_COOKIES"] == "1"
        configuration.behindProxy = behindProxy || environment["ESW_BEHIND_PROXY"] == "1"
        if let asOf { configuration.today = { asOf } }
        return configuration
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try webConfiguration(environment: environment)
        let conninfo = database.conninfo()
        // Before listening: a database that is unreachable or not migrated fails here, as any command.
        try reportingErrors { try Schema.checkCurrent(try Connection(conninfo: conninfo)) }
        LoggingSystem.bootstrap(StreamLogHandler.standardOutput)
        let logger = Logger(label: "esw.serve")
        let pool = ConnectionPool(
            conninfo: conninfo, maximumConnections: configuration.connections,
            acquireTimeout: .milliseconds(configuration.acquireTimeoutMilliseconds))
        let app = makeApplication(configuration: configuration, pool: pool, logger: logger)
        FileHandle.standardError.write(
            Data("esw serve: http://\(configuration.host):\(configuration.port)/ (Ctrl-C stops)\n".utf8))
        do {
            try await app.runUntilSignalled()
        } catch {
            printError(
                "esw: cannot serve on \(configuration.host):\(configuration.port): \(error) (is the address in use, "
                    + "or not this machine's?)")
            throw ExitStatus.failure
        }
    }
}
