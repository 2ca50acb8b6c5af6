import Foundation
public import PostgresClient

/// One field of a record: as on record and as given (a refused duplicate), or before and after (a
/// correction). Values are text as the database shows them; nil is "none".
public struct FieldChange: Sendable, Equatable {
    public let field: Field
    public let before: String?
    public let after: String?

    public init(field: Field, before: String?, after: String?) {
        self.field = field
        self.before = before
        self.after = after
    }

    /// The fields whose values differ, in the order of `fields`.
    static func differences(_ fields: [Field], _ before: [String?], _ after: [String?]) -> [FieldChange] {
        zip(fields, zip(before, after)).compactMap { field, pair in
            pair.0 == pair.1 ? nil : FieldChange(field: field, before: pair.0, after: pair.1)
        }
    }
}

extension Reason {
    /// One line per differing field, "  name: on record 'A', given 'B'" (the field named by the
    /// front end). Never used for a person's name, which is personal data.
    static func recordedVersusGiven(_ changes: [FieldChange]) -> Reason {
        var segments: [Segment] = []
        for change in changes {
            segments += [
                .text("\n  "), .field(change.field),
                .text(": on record \(quoted(change.before)), given \(quoted(change.after))"),
            ]
        }
        return Reason(segments: segments)
    }

    private static func quoted(_ value: String?) -> String { value.map { "'\($0)'" } ?? "none" }

    static func + (lhs: Reason, rhs: Reason) -> Reason {
        var interpolation = StringInterpolation(literalCapacity: 0, interpolationCount: 0)
        for segment in lhs.segments + rhs.segments {
            switch segment {
            case .text(let text): interpolation.appendLiteral(text)
            case .field(let field): interpolation.appendInterpolation(field: field)
            case .remedy(let remedy): interpolation.appendInterpolation(remedy: remedy)
            }
        }
        return Reason(stringInterpolation: interpolation)
    }
}

/// A correction of a record already kept (an amendment, a deletion, a cancellation, a person's
/// name): made with a reason, which the database keeps with the change. The audit trail's
/// `source` column reads `esw.source` ("service delete; reason: …") and the person's name history
/// reads `esw.reason` (sql/0027), both set for the correction's transaction only.
enum Correction {
    /// The reason, checked as text that is kept (at most 500 characters, no control characters).
    static func reason(_ text: String) throws -> String {
        try TextLimits.valid(text, as: .correctionReason, field: "reason")
    }

    /// Names the correction and its reason for the rest of the transaction `db` is in.
    static func mark(_ db: Connection, action: String, reason: String) throws {
        try db.execute(
            """
            SELECT set_config('esw.source', \(action + "; reason: " + reason), true),
                   set_config('esw.reason', \(reason), true)
            """)
    }

    /// A record's fields as text, read under the caller's policies (and locked for the change), or
    /// nil when the caller sees no such record.
    static func snapshot(_ db: Connection, _ query: SQLQuery, count: Int) throws -> [String?]? {
        guard let row = try db.query(query).first else { return nil }
        return try (0..<count).map { try row.decode($0) }
    }

    /// "no service 12": the same words for a record on record elsewhere or nowhere, "of your scope"
    /// for a user with a scope.
    static func notFound(_ db: Connection, _ what: String) throws -> WorkforceError {
        .notFound(Reason(try Session.hasScope(db) ? "no \(what) of your scope" : "no \(what) is on record"))
    }

    /// Deletes one record (`delete` returns its id when it removed it) as a correction with its
    /// reason, attributed in the audit log.
    static func delete(_ db: Connection, what: String, action: String, reason text: String, delete: SQLQuery) throws {
        let reason = try Correction.reason(text)
        try db.transaction { db in
            try mark(db, action: action, reason: reason)
            guard try !db.query(delete).isEmpty else { throw try notFound(db, what) }
            try Audit.record(on: db, action: action, subject: what, detail: ["reason": reason])
        }
    }

    /// Amends one record as a correction with its reason: reads its `fields` (`read`, which locks
    /// it), runs `update`, reads them again and returns what changed. Nothing changes, and nothing
    /// is recorded, when the given values are the ones on record.
    static func amend(
        _ db: Connection, what: String, action: String, reason text: String, fields: [Field], read: SQLQuery,
        update: SQLQuery
    ) throws -> [FieldChange] {
        let reason = try Correction.reason(text)
        return try db.transaction { db in
            try mark(db, action: action, reason: reason)
            guard let before = try snapshot(db, read, count: fields.count) else { throw try notFound(db, what) }
            try db.execute(update)
            let after = try snapshot(db, read, count: fields.count) ?? before
            let changes = FieldChange.differences(fields, before, after)
            if !changes.isEmpty {
                try Audit.record(
                    on: db, action: action, subject: what,
                    detail: ["reason": reason, "fields": changes.map(\.field.rawValue).joined(separator: ",")])
            }
            return changes
        }
    }
}

/// Duplicates refused (sql/0027's unique indexes, docs/corrections.md).
enum Duplicates {
    /// Runs an amendment of `what`, whose result `constraint` keeps unique: a violation means the
    /// amended record would be identical to another, which is refused in words. (An insert that
    /// loses a race to an identical one is left to fail on the index, exit 1 "run it again", as
    /// every such race.)
    static func amending<T>(_ what: String, constraint: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where error.sqlState == .uniqueViolation && error.constraint == constraint {
            throw WorkforceError.conflict(
                "\(what) amended so would be identical to another on record; nothing was changed. If it is that "
                    + "one's duplicate, delete it instead")
        }
    }
}
