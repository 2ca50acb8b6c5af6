public import CalendarDates
import Foundation
import PostgresClient

/// What an application's evidence pack holds, before it is written: the pilot report, one
/// attendance sheet per training event of the period, the certificates held by the staff, and the
/// posts, services and funding.
public struct PilotEvidence: Sendable {
    public let report: PilotReport
    public let includesIDNumbers: Bool
    public let attendance: [(eventID: Int, sheet: RecordTable)]
    public let certificates: RecordTable
    public let posts: RecordTable
    public let services: RecordTable
    public let funding: RecordTable
}

extension Reports {
    /// The files of an application's evidence pack for its period (default: the pilot year).
    public func evidence(
        applicationID: Int, from: CalendarDate? = nil, to: CalendarDate? = nil,
        includeIDNumbers: Bool, today: CalendarDate
    ) throws -> PilotEvidence {
        let scope = try pilotScope(applicationID: applicationID, from: from, to: to)
        let report = try pilot(scope: scope, today: today)
        let records = WorkAreaFilter(scope: scope)
        func shown(_ id: String) -> String { includeIDNumbers ? id : maskedIDNumber(id) }
        var sheets: [Int: [[String]]] = [:]
        for row in try db.query(
            """
            SELECT ev.id, ev.title, ev.kind::text, to_char(ev.starts_at, 'YYYY-MM-DD HH24:MI'), p.id_number, p.name,
                   en.name,
                   e.department::text, e.status::text, coalesce(e.hours::text, '')
            FROM enrollment e
            JOIN training_event ev ON ev.id = e.event_id
            JOIN person p ON p.id = e.person_id
            JOIN enterprise en ON en.id = e.enterprise_id
            WHERE \(scope.trainingCondition)
            ORDER BY ev.id, en.name, p.id_number
            """)
        {
            let event: Int = try row.decode(0)
            sheets[event, default: []].append([
                String(event), try row.decode(1), try row.decode(2), try row.decode(3), shown(try row.decode(4)),
                try row.decode(5), try row.decode(6), try row.decode(7), try row.decode(8), try row.decode(9),
            ])
        }
        let attendance = sheets.sorted(by: { $0.key < $1.key }).map { event, rows in
            (
                eventID: event,
                sheet: RecordTable(
                    headers: [
                        "event_id", "title", "kind", "starts_at", "id_number", "name", "enterprise", "department",
                        "status", "hours",
                    ],
                    rows: rows)
            )
        }
        // Certificates held by anyone on the staff of the enterprises during the period.
        let certificates = try db.query(
            """
            SELECT p.id_number, p.name, c.level::text, c.certificate_no, c.issued_on::text,
                   coalesce(c.revoked_on::text, '')
            FROM certificate c
            JOIN person p ON p.id = c.person_id
            WHERE c.issued_on <= \(scope.to)
              AND EXISTS (SELECT 1 FROM employment em WHERE em.person_id = c.person_id
                          AND em.enterprise_id = ANY (\(scope.enterpriseIDs))
                          AND em.hired_on <= \(scope.to) AND (em.left_on IS NULL OR em.left_on > \(scope.from)))
            ORDER BY p.id_number, c.issued_on, c.certificate_no
            """
        ).map { row in
            [
                shown(try row.decode(0)), try row.decode(1), try row.decode(2), try row.decode(3), try row.decode(4),
                try row.decode(5),
            ]
        }
        return PilotEvidence(
            report: report, includesIDNumbers: includeIDNumbers, attendance: attendance,
            certificates: RecordTable(
                headers: ["id_number", "name", "level", "certificate_no", "issued_on", "revoked_on"], rows: certificates
            ),
            posts: try Posts(db: db).list(records, includeIDNumbers: includeIDNumbers),
            services: try Services(db: db).list(records),
            funding: try Funding(db: db).list(records))
    }
}
