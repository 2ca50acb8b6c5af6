import Foundation
public import PostgresClient

/// The audit trail: every write a user makes, with who made it, when and what.
public enum Audit {
    /// Records one action in `audit_log`, through the database's `audit_note`, which names the
    /// actor itself: the acting esw user and role (or the database role when there is none), plus
    /// the OS user esw runs as, since many coordinators may share one role. Every change of data
    /// is also in `audit_trail`, written by the database's triggers whoever makes it.
    public static func record(on db: Connection, action: String, subject: String, detail: [String: any Sendable] = [:])
        throws
    {
        let data = try JSONSerialization.data(withJSONObject: detail.mapValues { "\($0)" }, options: [.sortedKeys])
        let json = String(decoding: data, as: UTF8.self)
        let osUser = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        try db.execute("SELECT audit_note(\(action), \(subject), \(json)::jsonb, \(osUser))")
    }
}
