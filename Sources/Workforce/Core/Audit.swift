import Foundation
public import PostgresClient

/// The audit trail: every write a user makes, with who made it, when and what.
public enum Audit {
    /// Records one action in `audit_log`. The actor is the database role plus the OS user
    /// esw runs as, since many coordinators may share one role.
    public static func record(on db: Connection, action: String, subject: String, detail: [String: any Sendable] = [:])
        throws
    {
        let data = try JSONSerialization.data(withJSONObject: detail.mapValues { "\($0)" }, options: [.sortedKeys])
        let json = String(decoding: data, as: UTF8.self)
        let osUser = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        try db.execute(
            """
            INSERT INTO audit_log (actor, action, subject, detail)
            VALUES (current_user || ' (' || \(osUser) || ')', \(action), \(subject), \(json)::jsonb)
            """)
    }
}
