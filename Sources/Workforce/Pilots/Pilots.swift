public import CalendarDates
public import Foundation
public import PostgresClient

public enum ApplicationStatus: String, CaseIterable, Sendable {
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
}

public enum ServiceKind: String, CaseIterable, Sendable {
    case emotionalCounseling = "emotional_counseling"
    case psychologicalComfort = "psychological_comfort"
    case productionAdaptation = "production_adaptation"
    case skillImprovement = "skill_improvement"
    case familySupport = "family_support"
    case behaviorCorrection = "behavior_correction"
    case supportNetwork = "support_network"
    case laborRelations = "labor_relations"
    case enterpriseCulture = "enterprise_culture"

    public var chineseName: String {
        switch self {
        case .emotionalCounseling: "情绪疏导"
        case .psychologicalComfort: "精神抚慰"
        case .productionAdaptation: "生产适应"
        case .skillImprovement: "技能提升"
        case .familySupport: "家庭帮扶"
        case .behaviorCorrection: "行为矫治"
        case .supportNetwork: "社会支持网络建设"
        case .laborRelations: "劳资关系调节"
        case .enterpriseCulture: "企业文化建设"
        }
    }

    public init?(text: String) {
        let value = text.trimmingSpaces.lowercased()
        guard let kind = ServiceKind.allCases.first(where: { $0.rawValue == value || $0.chineseName == value }) else { return nil }
        self = kind
    }
}

public enum FundingSource: String, CaseIterable, Sendable {
    case governmentPurchase = "government_purchase"
    case enterprise, other

    public var chineseName: String {
        switch self {
        case .governmentPurchase: "政府购买服务"
        case .enterprise: "企业投入"
        case .other: "其他来源"
        }
    }
}

/// Who provided a service, as written: a resident ID number (a person) or a USCC (a service
/// organization), normalized.
enum ServiceProvider {
    case person(idNumber: String)
    case organization(uscc: String)
    case invalid

    static let invalidReason = "is neither a valid resident ID number nor a valid USCC"

    init(_ text: String, today: CalendarDate) {
        if case .valid(let id) = Codes.checkIDNumber(text, today: today) {
            self = .person(idNumber: id)
        } else if case .valid(let code) = Codes.checkUSCC(text) {
            self = .organization(uscc: code)
        } else {
            self = .invalid
        }
    }
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

/// Pilot programs and applications, and the work areas bureaus follow: posts, service
/// organizations, services and funding.
public struct Pilots {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Creates a pilot program with its deadlines; returns its id.
    public func createProgram(name: String, document: String?, applyBy: CalendarDate, confirmBy: CalendarDate,
                              pilotMonths: Int, summaryBy: CalendarDate) throws -> Int {
        guard !name.trimmingSpaces.isEmpty else { throw WorkforceError.invalid(field: "--name", value: name, reason: "is empty") }
        guard confirmBy >= applyBy else {
            throw WorkforceError.invalid(field: "--confirm-by", value: confirmBy.iso, reason: "is before --apply-by \(applyBy)")
        }
        guard summaryBy >= confirmBy else {
            throw WorkforceError.invalid(field: "--summary-by", value: summaryBy.iso, reason: "is before --confirm-by \(confirmBy)")
        }
        guard pilotMonths > 0 else {
            throw WorkforceError.invalid(field: "--pilot-months", value: String(pilotMonths), reason: "must be at least 1")
        }
        return try db.transaction { db in
            let id: Int = try db.query("""
                INSERT INTO pilot_program (name, document, apply_by, confirm_by, pilot_months, summary_by)
                VALUES (\(name.trimmingSpaces), \(document), \(applyBy), \(confirmBy), \(pilotMonths), \(summaryBy)) RETURNING id
                """).single().decode(0)
            try Audit.record(on: db, action: "pilot program create", subject: "program \(id)", detail: ["name": name])
            return id
        }
    }

    /// Applies to a program on behalf of a region or unit. Refused after the deadline unless
    /// `late` (which is recorded), and refused twice for the same applicant and program.
    public func apply(programID: Int, applicant: Applicant, plan: String?, on date: CalendarDate, late: Bool) throws -> Int {
        let rows = try db.query("SELECT apply_by FROM pilot_program WHERE id = \(programID)")
        guard let row = rows.first else { throw WorkforceError.notFound("no pilot program has id \(programID)") }
        let applyBy: CalendarDate = try row.decode(0)
        if date > applyBy && !late {
            throw WorkforceError.conflict("applications to program \(programID) closed on \(applyBy); pass --late to record a late application")
        }
        var region: String?, enterpriseID: Int?, orgID: Int?
        switch applicant {
        case .region(let code): region = try Roster.validRegion(code)
        case .enterprise(let uscc): enterpriseID = try RatioService(db: db).lookUp(uscc: uscc).id
        case .serviceOrg(let uscc): orgID = try serviceOrgID(uscc: uscc)
        }
        return try db.transaction { db in
            do {
                let id: Int = try db.query("""
                    INSERT INTO pilot_application (program_id, region_code, enterprise_id, service_org_id, submitted_on, late, plan)
                    VALUES (\(programID), \(region), \(enterpriseID), \(orgID), \(date), \(date > applyBy), \(plan))
                    RETURNING id
                    """).single().decode(0)
                try db.execute("""
                    INSERT INTO pilot_application_event (application_id, to_status, on_date, note)
                    VALUES (\(id), 'submitted', \(date), \(date > applyBy ? "late application" : nil))
                    """)
                try Audit.record(on: db, action: "pilot apply", subject: "application \(id)", detail: ["program": programID, "late": date > applyBy])
                return id
            } catch let error as PostgresError where error.constraint == "pilot_application_once" {
                throw WorkforceError.conflict("this applicant has applied to program \(programID) already")
            }
        }
    }

    /// Moves an application to its next state, dated and attributed; refused unless the move is
    /// one of application_transition's.
    public func advance(applicationID: Int, to status: ApplicationStatus, on date: CalendarDate, note: String?) throws {
        try db.transaction { db in
            let rows = try db.query("SELECT status::text FROM pilot_application WHERE id = \(applicationID) FOR UPDATE")
            guard let row = rows.first else {
                throw WorkforceError.notFound("no pilot application has id \(applicationID)")
            }
            let from: String = try row.decode(0)
            do {
                try db.execute("UPDATE pilot_application SET status = \(status.rawValue)::application_status WHERE id = \(applicationID)")
            } catch let error as PostgresError where error.constraint == "pilot_application_transition" {
                throw WorkforceError.conflict("application \(applicationID) is \(from); it cannot become \(status.rawValue)")
            }
            try db.execute("""
                INSERT INTO pilot_application_event (application_id, from_status, to_status, on_date, note)
                VALUES (\(applicationID), \(from)::application_status, \(status.rawValue)::application_status, \(date), \(note))
                """)
            try Audit.record(on: db, action: "pilot advance", subject: "application \(applicationID)", detail: ["from": from, "to": status.rawValue])
        }
    }

    /// Applications, optionally of one program, province or status.
    public func applications(programID: Int? = nil, province: String? = nil, status: ApplicationStatus? = nil) throws -> [PilotApplication] {
        let provinceCode = try province.map { try Roster.validRegion($0) }
        return try db.query("""
            SELECT a.id, a.program_id, coalesce(en.name, o.name, r.name, a.region_code),
                   left(coalesce(a.region_code, en.region_code, o.region_code), 2) || '0000',
                   a.status::text, a.submitted_on, a.late
            FROM pilot_application a
            LEFT JOIN enterprise en ON en.id = a.enterprise_id
            LEFT JOIN service_org o ON o.id = a.service_org_id
            LEFT JOIN region r ON r.code = a.region_code
            WHERE (\(programID)::bigint IS NULL OR a.program_id = \(programID))
              AND (\(status?.rawValue)::application_status IS NULL OR a.status = \(status?.rawValue)::application_status)
              AND in_region(coalesce(a.region_code, en.region_code, o.region_code), \(provinceCode))
            ORDER BY a.program_id, a.id
            """).map { row in
            PilotApplication(
                id: try row.decode(0), programID: try row.decode(1), applicant: try row.decode(2), province: try row.decode(3),
                status: try row.decode(4), submittedOn: try row.decode(5), late: try row.decode(6))
        }
    }

    /// The dated history of an application: (from, to, date, actor, note).
    public func history(applicationID: Int) throws -> [(from: String?, to: String, on: CalendarDate, actor: String, note: String?)] {
        try db.query("""
            SELECT from_status::text, to_status::text, on_date, actor, note FROM pilot_application_event
            WHERE application_id = \(applicationID) ORDER BY id
            """).map { (try $0.decode(0), try $0.decode(1), try $0.decode(2), try $0.decode(3), try $0.decode(4)) }
    }

    // MARK: Work areas

    func serviceOrgID(uscc: String) throws -> Int {
        let code = try Roster.validUSCC(uscc, field: "--service-org")
        let rows = try db.query("SELECT id FROM service_org WHERE uscc = \(code)")
        guard let row = rows.first else {
            throw WorkforceError.notFound("no service organization has USCC \(code); add it with esw org add")
        }
        return try row.decode(0)
    }

    /// Adds a social-work service organization (or updates the one with this USCC).
    public func addServiceOrg(uscc: String, name: String, region: String, founded: CalendarDate?) throws {
        let code = try Roster.validUSCC(uscc, field: "--uscc")
        let regionCode = try Roster.validRegion(region)
        guard !name.trimmingSpaces.isEmpty else { throw WorkforceError.invalid(field: "--name", value: name, reason: "is empty") }
        try db.transaction { db in
            try db.execute("""
                INSERT INTO service_org (uscc, name, region_code, founded_on) VALUES (\(code), \(name.trimmingSpaces), \(regionCode), \(founded))
                ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, region_code = excluded.region_code,
                    founded_on = coalesce(excluded.founded_on, service_org.founded_on)
                """)
            try Audit.record(on: db, action: "org add", subject: code, detail: ["name": name])
        }
    }

    /// Records a post developed for social work; returns its id.
    public func addPost(enterpriseUSCC: String, department: Department, title: String, filledBy idNumber: String?,
                        createdOn: CalendarDate, today: CalendarDate) throws -> Int {
        guard !title.trimmingSpaces.isEmpty else { throw WorkforceError.invalid(field: "--title", value: title, reason: "is empty") }
        let enterpriseID = try RatioService(db: db).lookUp(uscc: enterpriseUSCC).id
        let personID = try idNumber.map { try Training(db: db).personID(idNumber: try Roster.validIDNumber($0, today: today, field: "--filled-by")) }
        return try db.transaction { db in
            let id: Int = try db.query("""
                INSERT INTO social_work_post (enterprise_id, department, title, created_on, filled_by)
                VALUES (\(enterpriseID), \(department.rawValue)::department_kind, \(title.trimmingSpaces), \(createdOn), \(personID))
                RETURNING id
                """).single().decode(0)
            try Audit.record(on: db, action: "post add", subject: "post \(id)", detail: ["title": title])
            return id
        }
    }

    /// Records a service delivered; the provider is a person (ID number) or an organization (USCC).
    public func recordService(enterpriseUSCC: String, kind: ServiceKind, on date: CalendarDate, beneficiaries: Int,
                              provider: String?, volunteers: Int?, hours: Decimal?, today: CalendarDate) throws -> Int {
        guard beneficiaries >= 0 else {
            throw WorkforceError.invalid(field: "--beneficiaries", value: String(beneficiaries), reason: "must be 0 or more")
        }
        guard date <= today else { throw WorkforceError.invalid(field: "--date", value: date.iso, reason: "is after today (\(today))") }
        if let hours, hours < 0 || !isPlainDecimal(NSDecimalNumber(decimal: hours).stringValue) {
            throw WorkforceError.invalid(field: "--hours", value: "\(hours)", reason: "must be a number of hours with at most two decimals, e.g. 1.5")
        }
        let enterpriseID = try RatioService(db: db).lookUp(uscc: enterpriseUSCC).id
        var personID: Int?, orgID: Int?
        switch provider.map({ ServiceProvider($0, today: today) }) {
        case .person(let id)?: personID = try Training(db: db).personID(idNumber: id)
        case .organization(let uscc)?: orgID = try serviceOrgID(uscc: uscc)
        case .invalid?: throw WorkforceError.invalid(field: "--provider", value: provider!, reason: ServiceProvider.invalidReason)
        case nil: break
        }
        return try db.transaction { db in
            let id: Int = try db.query("""
                INSERT INTO service_record (enterprise_id, kind, served_on, beneficiaries, provider_person_id, provider_org_id, volunteers, hours)
                VALUES (\(enterpriseID), \(kind.rawValue)::service_kind, \(date), \(beneficiaries), \(personID), \(orgID), \(volunteers), \(hours))
                RETURNING id
                """).single().decode(0)
            try Audit.record(on: db, action: "service record", subject: "service \(id)", detail: ["kind": kind.rawValue])
            return id
        }
    }

    /// Records money received by an enterprise or a region, exact to the fen.
    public func addFunding(enterpriseUSCC: String?, region: String?, source: FundingSource, amount: String,
                           on date: CalendarDate, providerOrg: String?, contract: String?) throws -> Int {
        guard (enterpriseUSCC == nil) != (region == nil) else {
            throw WorkforceError.invalid(field: "--enterprise", value: enterpriseUSCC ?? "", reason: "give --enterprise or --region, one of them")
        }
        // Money is read as decimal text and must have at most two places: no floating point on the way.
        let trimmed = amount.trimmingSpaces
        guard isPlainDecimal(trimmed), let value = Decimal(string: trimmed), value > 0 else {
            throw WorkforceError.invalid(field: "--amount", value: amount, reason: "must be a positive amount in yuan with at most two decimals, e.g. 12345.67")
        }
        let enterpriseID = try enterpriseUSCC.map { try RatioService(db: db).lookUp(uscc: $0).id }
        let regionCode = try region.map { try Roster.validRegion($0) }
        let orgID = try providerOrg.map { try serviceOrgID(uscc: $0) }
        return try db.transaction { db in
            let id: Int = try db.query("""
                INSERT INTO funding (enterprise_id, region_code, source, amount, received_on, provider_org_id, contract_no)
                VALUES (\(enterpriseID), \(regionCode), \(source.rawValue)::funding_source, \(trimmed)::numeric, \(date), \(orgID), \(contract))
                RETURNING id
                """).single().decode(0)
            try Audit.record(on: db, action: "funding add", subject: "funding \(id)", detail: ["amount": trimmed, "source": source.rawValue])
            return id
        }
    }
}
