public import CalendarDates
import Foundation
import PostgresClient

/// What an application's evidence pack holds, before it is written: the pilot report, who was
/// enrolled in each training event of the period and how it went, the certificates held by the
/// staff, and the posts, services and funding.
public struct PilotEvidence: Sendable {
    /// One enrollment in a training event of the period.
    public struct AttendanceLine: Sendable, Equatable {
        public let eventID: Int
        public let title: String
        public let kind: EventKind
        public let startsAt: LocalDateTime
        public let idNumber: String
        public let name: String
        public let enterprise: String
        public let department: Department
        public let status: EnrollmentStatus
        /// Hours credited, exact decimal text; nil until attendance is recorded.
        public let hours: String?
    }

    /// A certificate held by someone on the staff during the period.
    public struct HeldCertificate: Sendable, Equatable {
        public let idNumber: String
        public let name: String
        public let level: CertificateLevel
        public let number: String
        public let issuedOn: CalendarDate
        public let revokedOn: CalendarDate?
    }

    public let report: PilotReport
    /// By event, then enterprise and ID number.
    public let attendance: [AttendanceLine]
    public let certificates: [HeldCertificate]
    public let posts: [PostRecord]
    public let services: [ServiceRecord]
    public let funding: [FundingRecord]
}

extension Reports {
    /// What an application's evidence pack holds for its period (default: the pilot year).
    public func evidence(
        applicationID: Int, from: CalendarDate? = nil, to: CalendarDate? = nil, today: CalendarDate
    ) throws -> PilotEvidence {
        let scope = try pilotScope(applicationID: applicationID, from: from, to: to)
        let report = try pilot(scope: scope, today: today)
        let records = WorkAreaFilter(scope: scope)
        let attendance = try db.query(
            """
            SELECT ev.id, ev.title, ev.kind, ev.starts_at, p.id_number, p.name, en.name, e.department, e.status,
                   e.hours::text
            FROM enrollment e
            JOIN training_event ev ON ev.id = e.event_id
            JOIN person p ON p.id = e.person_id
            JOIN enterprise en ON en.id = e.enterprise_id
            WHERE \(scope.trainingCondition)
            ORDER BY ev.id, en.name, p.id_number
            """
        ).map { row in
            PilotEvidence.AttendanceLine(
                eventID: try row.decode(0), title: try row.decode(1), kind: try row.decode(2),
                startsAt: try row.decode(3), idNumber: try row.decode(4), name: try row.decode(5),
                enterprise: try row.decode(6), department: try row.decode(7), status: try row.decode(8),
                hours: try row.decode(9))
        }
        // Certificates held by anyone on the staff of the enterprises during the period.
        let certificates = try db.query(
            """
            SELECT p.id_number, p.name, c.level, c.certificate_no, c.issued_on, c.revoked_on
            FROM certificate c
            JOIN person p ON p.id = c.person_id
            WHERE c.issued_on <= \(scope.to)
              AND EXISTS (SELECT 1 FROM employment em WHERE em.person_id = c.person_id
                          AND em.enterprise_id = ANY (\(scope.enterpriseIDs))
                          AND em.hired_on <= \(scope.to) AND (em.left_on IS NULL OR em.left_on > \(scope.from)))
            ORDER BY p.id_number, c.issued_on, c.certificate_no
            """
        ).map { row in
            PilotEvidence.HeldCertificate(
                idNumber: try row.decode(0), name: try row.decode(1), level: try row.decode(2),
                number: try row.decode(3), issuedOn: try row.decode(4), revokedOn: try row.decode(5))
        }
        return PilotEvidence(
            report: report, attendance: attendance, certificates: certificates,
            posts: try Posts(db: db).list(records), services: try Services(db: db).list(records),
            funding: try Funding(db: db).list(records))
    }
}
