public import CalendarDates
import Workforce

/// The settings of `esw serve`, from its flags and environment (the esw command reads them).
public struct WebConfiguration: Sendable {
    /// The address to listen on; 127.0.0.1 serves this machine only (nginx in front, docs/deploy).
    public var host = "127.0.0.1"
    public var port = 8080
    /// The pool's connections: at most this many requests use the database at once.
    public var connections = 8
    /// How long one statement of a request may run before the server stops it (the request
    /// answers 503).
    public var statementTimeoutMilliseconds = 5_000
    /// How long a request waits for a free connection before it answers 503.
    public var acquireTimeoutMilliseconds = 5_000
    /// Mark the session cookie Secure: on behind TLS, off for plain http on this machine.
    public var secureCookies = false
    /// Take the client's address for login throttling from the `X-Forwarded-For` header that a
    /// reverse proxy on this machine sets (its last entry), when the peer is a loopback address.
    /// Off: the peer's address (behind nginx that is 127.0.0.1 for everyone, so one address's
    /// failures would throttle every user's logins).
    public var behindProxy = false
    /// The largest request body (a roster upload); larger ones answer 413.
    public var bodyLimitBytes = 20 * 1024 * 1024
    /// The most rows one uploaded spreadsheet may hold.
    public var rowsPerUpload = 100_000
    /// How many enterprises a region's home page ranks (the first ones by ratio).
    public var rankedEnterprises = 100
    /// Today, for the figures of the home pages.
    public var today: @Sendable () -> CalendarDate = { CalendarDate.today() }

    public init() {}
}
