public import Foundation
public import PostgresClient
public import Testing
import Workforce

/// The PostgreSQL the integration tests run against: DATABASE_URL, as scripts/test sets it.
///
/// Without it the database tests are skipped locally, but fail when CI or ESW_REQUIRE_DATABASE
/// is set, so a CI run can never pass by skipping them. Each test gets its own schema, migrated
/// from scratch and dropped afterwards, so tests run in parallel without seeing each other.
public enum TestDatabase {
    public static var url: String? {
        let environment = ProcessInfo.processInfo.environment
        return environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var isRequired: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["CI"] != nil || environment["ESW_REQUIRE_DATABASE"] != nil
    }

    /// Run database tests when a database is configured, or when one is required (then they fail loudly).
    public static var shouldRun: Bool { url != nil || isRequired }

    /// DATABASE_URL, once it is known to name this machine's server (see ``requireLocal(_:environment:)``).
    ///
    /// - Throws: when DATABASE_URL is not set, or names a server elsewhere.
    public static func localURL() throws -> String {
        guard let url else {
            throw PostgresError(
                kind: .connection, message: "DATABASE_URL is not set; run the tests through scripts/test")
        }
        try requireLocal(url)
        return url
    }

    /// A conninfo that puts a session into `schema`, for connections this process or a child opens,
    /// with any further server `settings` (such as `statement_timeout`) set at connect time.
    public static func conninfo(schema: String, settings: [String: String] = [:]) throws -> String {
        let url = try localURL()
        let options = (["search_path": schema].merging(settings) { $1 }).sorted { $0.key < $1.key }
            .map { "-c\($0.key)=\($0.value)" }.joined(separator: " ")
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let encoded = options.replacingOccurrences(of: "=", with: "%3D").replacingOccurrences(of: " ", with: "%20")
            return url + (url.contains("?") ? "&" : "?") + "options=\(encoded)"
        }
        return url + " options='\(options)'"
    }

    /// Gives `body` a connection to a fresh schema of its own, migrated unless `migrated` is false.
    public static func withSchema<T>(
        migrated: Bool = true, _ body: (_ db: Connection, _ conninfo: String) throws -> T
    ) throws -> T {
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try Connection(conninfo: try localURL())
        try admin.execute(script: "CREATE SCHEMA \(schema)")
        defer { try? admin.execute(script: "DROP SCHEMA \(schema) CASCADE") }
        let conninfo = try conninfo(schema: schema)
        let db = try Connection(conninfo: conninfo)
        if migrated { try Schema.runner.migrate(db) }
        return try body(db, conninfo)
    }

    public static func withSchema<T>(migrated: Bool = true, _ body: (_ db: Connection) throws -> T) throws -> T {
        try withSchema(migrated: migrated) { db, _ in try body(db) }
    }
}

extension Trait where Self == ConditionTrait {
    /// Marks a test that needs PostgreSQL.
    public static var database: Self {
        .enabled(if: TestDatabase.shouldRun, "set DATABASE_URL, or run scripts/test")
    }
}

/// Writes `text` to a fresh temporary file and returns its path.
public func temporaryFile(_ name: String = "input.csv", contents: Data) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("esw-tests-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent(name)
    try contents.write(to: url)
    return url.path
}

public func temporaryFile(_ name: String = "input.csv", text: String) throws -> String {
    try temporaryFile(name, contents: Data(text.utf8))
}

/// Valid, fictitious codes for tests, computed with the same algorithms as domain.md's vectors.
public enum Fixtures {
    public static func idNumber(region: String = "110105", birth: String = "19900307", sequence: Int) -> String {
        let body = region + birth + String(format: "%03d", sequence % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    public static func uscc(region: String = "440305", serial: Int) -> String {
        let body = String(format: "%08d", serial)
        let orgWeights = [3, 7, 9, 10, 5, 8, 4, 2]
        let orgSum = zip(body, orgWeights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        let check = 11 - orgSum % 11
        let org = body + (check == 10 ? "X" : check == 11 ? "0" : String(check))
        let code = Array("91" + region + org)
        let charset = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        var sum = 0
        var weight = 1
        for character in code {
            sum += charset.firstIndex(of: character)! * weight
            weight = weight * 3 % 31
        }
        return String(code) + String(charset[(31 - sum % 31) % 31])
    }
}

extension TestDatabase {
    /// The async form of ``withSchema(migrated:_:)``, for tests that use a pool; `body` gets the
    /// conninfo of the fresh schema.
    public static func withSchema<T>(migrated: Bool = true, async body: (_ conninfo: String) async throws -> T)
        async throws -> T
    {
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try Connection(conninfo: try localURL())
        try admin.execute(script: "CREATE SCHEMA \(schema)")
        defer { try? admin.execute(script: "DROP SCHEMA \(schema) CASCADE") }
        let conninfo = try conninfo(schema: schema)
        if migrated { try Schema.runner.migrate(try Connection(conninfo: conninfo)) }
        return try await body(conninfo)
    }
}

/// Waits (up to 30 s, for a loaded machine) until some session waits for a lock that session
/// `pid` holds; records an issue if none ever does.
public func waitUntilBlocked(by pid: Int, watching db: Connection) throws {
    for _ in 0..<1500 {
        let blocked: Int = try db.query(
            "SELECT count(*) FROM pg_stat_activity WHERE \(pid)::int = ANY (pg_blocking_pids(pid))"
        ).single().decode(0)
        if blocked > 0 { return }
        usleep(20_000)
    }
    Issue.record("nothing ever waited on session \(pid)")
}
