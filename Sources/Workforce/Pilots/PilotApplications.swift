public import CalendarDates
import Foundation
public import PostgresClient

public enum ApplicationStatus: String, Vocabulary {
    case submitted, approved, rejected
    case inPilot = "in_pilot"
    case summarized
    case designatedDemonstration = "designated_demonstration"
    case closed

    public var chineseName: String {
        switch self {
        case .submitted: "已申报"
        case .approved: "已批准"
        case .rejected: "未批准"
        case .inPilot: "试点中"
        case .summarized: "已总结"
        case .designatedDemonstration: "示范单位"
        case .closed: "已结束"
        }
    }

    public static let aliases: [String: ApplicationStatus] = [
        "申报": .submitted, "批准": .approved, "不予批准": .rejected, "驳回": .rejected, "总结": .summarized,
        "示范": .designatedDemonstration, "示范单位（地区）": .designatedDemonstration, "示范地区": .designatedDemonstration,
        "结束": .closed,
    ]
}

/// Who applies to a pilot program: a region, an enterprise or a service organization.
public enum Applicant: Sendable, Equatable {
    case region(String)
    case enterprise(uscc: String)
    case serviceOrg(uscc: String)
}

public struct PilotApplication: Sendable, Equatable {
    public let id: Int
    public let programID: Int
    public let applicant: String
    public let province: String
    public let status: ApplicationStatus
    public let submittedOn: CalendarDate
    public let late: Bool
}

/// Applications to pilot programs by regions, enterprises and service organizations, and the
/// dated, attributed transitions of their states.
public struct PilotApplications {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Applies to a program on behalf of a region or unit. Refused after the deadline unless
    /// `late` (which is recorded), and refused twice for the same applicant and program.
    public func apply(programID: Int, applicant: Applicant, plan: String?, on date: CalendarDate, late: Bool) throws
        -> Int
    {
        try RecordDates.check(date, field: "on")
        let plan = try TextLimits.valid(plan, as: .applicationPlan, field: "plan")
        let rows = try db.query("SELECT apply_by, name, document FROM pilot_program WHERE id = \(programID)")
        guard let row = rows.first else { throw WorkforceError.notFound("no pilot program has id \(programID)") }
        let applyBy: CalendarDate = try row.decode(0)
        // The program as people know it: its name and document number, not the id.
        let document: String? = try row.decode(2)
        let program = "「\(try row.decode(1, as: String.self))」" + (document.map { "（\($0)）" } ?? "")
        if date > applyBy && !late {
            throw WorkforceError.conflict(
                """
                applications to the program \(program) closed on \(applyBy); pass \(field: "late") to record a late \
                application
                """
            )
        }
        var region: String?, enterpriseID: Int?, orgID: Int?
        switch applicant {
        case .region(let code): region = try Regions(db: db).known(code)
        case .enterprise(let uscc): enterpriseID = try Enterprises(db: db).lookUp(uscc: uscc).id
        case .serviceOrg(let uscc): orgID = try ServiceOrganizations(db: db).id(uscc: uscc)
        }
        return try db.transaction { db in
            do {
                let id: Int = try db.query(
                    """
                    INSERT INTO pilot_application (program_id, region_code, enterprise_id, service_org_id, submitted_on,
                                                   late, plan)
                    VALUES (\(programID), \(region), \(enterpriseID), \(orgID), \(date), \(date > applyBy), \(plan))
                    RETURNING id
                    """
                ).single().decode(0)
                try db.execute(
                    """
                    INSERT INTO pilot_application_event (application_id, to_status, on_date, note)
                    VALUES (\(id), 'submitted', \(date), \(date > applyBy ? "late application" : nil))
                    """)
                try Audit.record(
                    on: db, action: "pilot apply", subject: "application \(id)",
                    detail: ["program": programID, "late": date > applyBy])
                return id
            } catch let error as PostgresError where error.constraint == "pilot_application_once" {
                throw WorkforceError.conflict("this applicant has applied to the program \(program) already")
            }
        }
    }

    /// Moves an application to its next state, dated and attributed; refused unless the move is
    /// one of application_transition's.
    public func advance(applicationID: Int, to status: ApplicationStatus, on date: CalendarDate, note: String?) throws {
        try RecordDates.check(date, field: "on")
        let note = try TextLimits.valid(note, as: .transitionNote, field: "note")
        try db.transaction { db in
            let rows = try db.query("SELECT status::text FROM pilot_application WHERE id = \(applicationID) FOR UPDATE")
            guard let row = rows.first else {
                throw WorkforceError.notFound("no pilot application has id \(applicationID)")
            }
            let from: String = try row.decode(0)
            // The trigger lets a state "move" to itself; the history would then record a move that was none.
            if from == status.rawValue {
                throw WorkforceError.conflict("the application is \(status.chineseName) (\(from)) already")
            }
            do {
                try db.execute(
                    """
                    UPDATE pilot_application SET status = \(status.rawValue)::application_status WHERE id = \
                    \(applicationID)
                    """
                )
            } catch let error as PostgresError where error.constraint == "pilot_application_transition" {
                let current = ApplicationStatus(rawValue: from).map { "\($0.chineseName) (\(from))" } ?? from
                throw WorkforceError.conflict(
                    "the application is \(current); it cannot become \(status.chineseName) (\(status.rawValue))")
            }
            try db.execute(
                """
                INSERT INTO pilot_application_event (application_id, from_status, to_status, on_date, note)
                VALUES (\(applicationID), \(from)::application_status, \(status.rawValue)::application_status, \(date),
                        \(note))
                """)
            try Audit.record(
                on: db, action: "pilot advance", subject: "application \(applicationID)",
                detail: ["from": from, "to": status.rawValue])
        }
    }

    /// Applications, optionally of one program, province or status, in the order of program and id;
    /// a page of them with `after` (the last one of the page before) and `limit`.
    public func list(
        programID: Int? = nil, province: String? = nil, status: ApplicationStatus? = nil,
        after: (programID: Int, id: Int)? = nil, limit: Int? = nil
    ) throws -> [PilotApplication] {
        let provinceCode = try province.map { try Regions(db: db).known($0, field: "province") }
        return try applications(
            programID: programID, provinceCode: provinceCode, status: status, id: nil, after: after, limit: limit)
    }

    /// One application, as ``list(programID:province:status:after:limit:)`` shows it.
    ///
    /// - Throws: `WorkforceError.notFound` when there is none with this id in the user's scope.
    public func application(id: Int) throws -> PilotApplication {
        guard
            let application = try applications(
                programID: nil, provinceCode: nil, status: nil, id: id, after: nil, limit: nil
            ).first
        else { throw WorkforceError.notFound("no pilot application has id \(id)") }
        return application
    }

    /// The states an application may move to from `status` (application_transition's rows).
    public func transitions(from status: ApplicationStatus) throws -> [ApplicationStatus] {
        try db.query(
            """
            SELECT to_status::text FROM application_transition
            WHERE from_status = \(status.rawValue)::application_status ORDER BY to_status
            """
        ).map { try $0.decode(0, as: ApplicationStatus.self) }
    }

    /// Whether the acting user's role may move applications on (role_permission, which
    /// `esw_may_write` reads but raises on instead of answering no; the scope is the row policies'
    /// business). False when no user acts.
    public func mayAdvance() throws -> Bool {
        try Session.mayWrite(db, "pilot_applications")
    }

    private func applications(
        programID: Int?, provinceCode: String?, status: ApplicationStatus?, id: Int?,
        after: (programID: Int, id: Int)?, limit: Int?
    ) throws -> [PilotApplication] {
        try db.query(
            """
            SELECT a.id, a.program_id, coalesce(en.name, o.name, region_full_name(r.code), a.region_code),
                   left(coalesce(a.region_code, en.region_code, o.region_code), 2) || '0000',
                   a.status::text, a.submitted_on, a.late
            FROM pilot_application a
            LEFT JOIN enterprise en ON en.id = a.enterprise_id
            LEFT JOIN service_org o ON o.id = a.service_org_id
            LEFT JOIN region r ON r.code = a.region_code
            WHERE (\(programID)::bigint IS NULL OR a.program_id = \(programID))
              AND (\(status?.rawValue)::application_status IS NULL
                   OR a.status = \(status?.rawValue)::application_status)
              AND in_region(coalesce(a.region_code, en.region_code, o.region_code), \(provinceCode))
              AND (\(id)::bigint IS NULL OR a.id = \(id))
              AND (\(after?.id)::bigint IS NULL OR (a.program_id, a.id) > (\(after?.programID), \(after?.id)))
            ORDER BY a.program_id, a.id
            LIMIT \(limit)
            """
        ).map { row in
            PilotApplication(
                id: try row.decode(0), programID: try row.decode(1), applicant: try row.decode(2),
                province: try row.decode(3),
                status: try row.decode(4, as: ApplicationStatus.self), submittedOn: try row.decode(5),
                late: try row.decode(6))
        }
    }

    /// The dated history of an application: (from, to, date, actor, note).
    public func history(applicationID: Int) throws -> [(
        from: String?, to: String, on: CalendarDate, actor: String, note: String?
    )] {
        try db.query(
            """
            SELECT from_status::text, to_status::text, on_date, actor, note FROM pilot_application_event
            WHERE application_id = \(applicationID) ORDER BY id
            """
        ).map { (try $0.decode(0), try $0.decode(1), try $0.decode(2), try $0.decode(3), try $0.decode(4)) }
    }
}
