public import CalendarDates
import Foundation
public import PostgresClient

/// A pilot program (e.g. the 2013 enterprise social work pilot) and its deadlines.
public struct PilotProgram: Sendable, Equatable {
    public let id: Int
    public let name: String
    public let document: String?
    public let applyBy: CalendarDate
    public let confirmBy: CalendarDate
    public let pilotMonths: Int
    public let summaryBy: CalendarDate
}

/// Pilot programs (e.g. the 2013 enterprise social work pilot) and their deadlines.
public struct PilotPrograms {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Every pilot program, oldest first.
    public func list() throws -> [PilotProgram] {
        try db.query(
            """
            SELECT id, name, document, apply_by, confirm_by, pilot_months, summary_by FROM pilot_program ORDER BY id
            """
        ).map { row in
            PilotProgram(
                id: try row.decode(0), name: try row.decode(1), document: try row.decode(2), applyBy: try row.decode(3),
                confirmBy: try row.decode(4), pilotMonths: try row.decode(5), summaryBy: try row.decode(6))
        }
    }

    /// Creates a pilot program with its deadlines; returns its id.
    public func create(
        name: String, document: String?, applyBy: CalendarDate, confirmBy: CalendarDate,
        pilotMonths: Int, summaryBy: CalendarDate
    ) throws -> Int {
        try establish(
            name: name, document: document, applyBy: applyBy, confirmBy: confirmBy, pilotMonths: pilotMonths,
            summaryBy: summaryBy
        ).id
    }

    /// Creates a pilot program, or finds it: one document number (文号) sets up one program
    /// (sql/0027). Given again identically, the program on record is returned (`existed`) and
    /// nothing is written; given with another name or deadlines, it is refused, showing each
    /// difference.
    public func establish(
        name: String, document: String?, applyBy: CalendarDate, confirmBy: CalendarDate,
        pilotMonths: Int, summaryBy: CalendarDate
    ) throws -> (id: Int, existed: Bool) {
        try RecordDates.check(applyBy, field: "apply_by")
        let name = try TextLimits.valid(name, as: .programName, field: "name")
        let document = try TextLimits.valid(document, as: .programDocument, field: "document")
        guard confirmBy >= applyBy else {
            throw WorkforceError.invalid(
                field: "confirm_by", value: confirmBy.iso, reason: "is before \(field: "apply_by") \(applyBy)")
        }
        guard summaryBy >= confirmBy else {
            throw WorkforceError.invalid(
                field: "summary_by", value: summaryBy.iso, reason: "is before \(field: "confirm_by") \(confirmBy)")
        }
        guard pilotMonths > 0 else {
            throw WorkforceError.invalid(
                field: "pilot_months", value: String(pilotMonths), reason: "must be at least 1")
        }
        return try db.transaction { db in
            if let document,
                let recorded = try db.query(
                    """
                    SELECT id, name, apply_by::text, confirm_by::text, pilot_months::text, summary_by::text
                    FROM pilot_program WHERE document = \(document) ORDER BY duplicate_no LIMIT 1
                    """
                ).first
            {
                let id: Int = try recorded.decode(0)
                let differences = FieldChange.differences(
                    ["name", "apply_by", "confirm_by", "pilot_months", "summary_by"],
                    try (1...5).map { try recorded.decode($0) },
                    [name, applyBy.iso, confirmBy.iso, String(pilotMonths), summaryBy.iso])
                guard differences.isEmpty else {
                    throw WorkforceError.conflict(
                        """
                        program \(id) on record has this \(field: "document"); nothing was written. Its details \
                        differ from those given:
                        """ + .recordedVersusGiven(differences))
                }
                return (id, true)
            }
            let id: Int = try db.query(
                """
                INSERT INTO pilot_program (name, document, apply_by, confirm_by, pilot_months, summary_by)
                VALUES (\(name), \(document), \(applyBy), \(confirmBy), \(pilotMonths), \(summaryBy))
                    RETURNING id
                """
            ).single().decode(0)
            try Audit.record(on: db, action: "pilot program create", subject: "program \(id)", detail: ["name": name])
            return (id, false)
        }
    }
}
