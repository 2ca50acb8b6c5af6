public import CalendarDates
public import Foundation
public import PostgresClient

/// A service as listed. `hours` is the exact decimal text, nil when not recorded.
public struct ServiceRecord: Sendable, Equatable {
    public let id: Int
    public let servedOn: CalendarDate
    public let enterpriseUSCC: String
    public let enterpriseName: String
    public let kind: ServiceKind
    public let beneficiaries: Int
    /// The providing organization's name, or the providing person's.
    public let provider: String?
    public let volunteers: Int?
    public let hours: String?
}

/// Services delivered (服务开展), by kind, with beneficiaries, volunteers and hours.
public struct Services {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Records a service delivered; the provider is a person (ID number) or an organization (USCC).
    ///
    /// A service identical to one on record (same enterprise, kind, date, beneficiaries, provider,
    /// volunteers and hours) is refused as a duplicate, naming the one on record, unless
    /// `allowDuplicate` says it is a real second service (sql/0027 numbers it).
    public func record(
        enterpriseUSCC: String, kind: ServiceKind, on date: CalendarDate, beneficiaries: Int,
        provider: String?, volunteers: Int?, hours: Decimal?, today: CalendarDate, allowDuplicate: Bool = false
    ) throws -> Int {
        try Services.check(
            date: date, beneficiaries: beneficiaries, volunteers: volunteers, hours: hours, today: today)
        let enterpriseID = try Enterprises(db: db).lookUp(uscc: enterpriseUSCC).id
        var personID: Int?, orgID: Int?
        switch provider.map({ ServiceProvider($0, today: today) }) {
        case .person(let id)?: personID = try Staff(db: db).personID(idNumber: id, field: "provider")
        case .organization(let uscc)?: orgID = try ServiceOrganizations(db: db).id(uscc: uscc)
        case .invalid?:
            throw WorkforceError.invalid(
                field: "provider", value: provider!, reason: Reason(ServiceProvider.invalidReason))
        case nil: break
        }
        return try db.transaction { db in
            let identical: SQLQuery = """
                enterprise_id = \(enterpriseID) AND kind = \(kind.rawValue)::service_kind AND served_on = \(date)
                AND beneficiaries = \(beneficiaries) AND provider_person_id IS NOT DISTINCT FROM \(personID)::bigint
                AND provider_org_id IS NOT DISTINCT FROM \(orgID)::bigint
                AND volunteers IS NOT DISTINCT FROM \(volunteers)::integer
                AND hours IS NOT DISTINCT FROM \(hours)::numeric
                """
            if !allowDuplicate,
                let recorded = try db.query("SELECT min(id) FROM service_record WHERE \(identical)")
                    .single().decode(0, as: Int?.self)
            {
                throw WorkforceError.conflict(
                    """
                    service \(recorded) on record is identical (the same enterprise, kind, date, beneficiaries, \
                    provider, volunteers and hours); nothing was recorded. If this is a second service, record it \
                    with \(field: "allow_duplicate"); to change that one, use \(remedy: .amendService)
                    """)
            }
            let id: Int = try db.query(
                """
                INSERT INTO service_record (enterprise_id, kind, served_on, beneficiaries, provider_person_id,
                                            provider_org_id, volunteers, hours, duplicate_no)
                VALUES (\(enterpriseID), \(kind.rawValue)::service_kind, \(date), \(beneficiaries), \(personID),
                        \(orgID), \(volunteers), \(hours),
                        (SELECT coalesce(max(duplicate_no) + 1, 0) FROM service_record WHERE \(identical)))
                RETURNING id
                """
            ).single().decode(0)
            try Audit.record(
                on: db, action: "service record", subject: "service \(id)", detail: ["kind": kind.rawValue])
            return id
        }
    }

    /// Deletes a service recorded by mistake (a duplicate, the wrong enterprise), with the reason
    /// the audit trail keeps.
    public func delete(id: Int, reason: String) throws {
        try Correction.delete(
            db, what: "service \(id)", action: "service delete", reason: reason,
            delete: "DELETE FROM service_record WHERE id = \(id) RETURNING id")
    }

    /// Corrects a service's kind, date, beneficiaries, volunteers or hours (nil: unchanged), with
    /// the reason the audit trail keeps; returns each changed field before and after.
    public func amend(
        id: Int, kind: ServiceKind? = nil, date: CalendarDate? = nil, beneficiaries: Int? = nil,
        volunteers: Int? = nil, hours: Decimal? = nil, reason: String, today: CalendarDate
    ) throws -> [FieldChange] {
        try Services.check(
            date: date, beneficiaries: beneficiaries, volunteers: volunteers, hours: hours, today: today)
        return try Duplicates.amending("service \(id)", constraint: "service_record_once") {
            try Correction.amend(
                db, what: "service \(id)", action: "service amend", reason: reason,
                fields: ["kind", "date", "beneficiaries", "volunteers", "hours"],
                read: """
                    SELECT kind::text, served_on::text, beneficiaries::text, volunteers::text, hours::text
                    FROM service_record WHERE id = \(id) FOR UPDATE
                    """,
                update: """
                    UPDATE service_record
                    SET kind = coalesce(\(kind?.rawValue)::service_kind, kind),
                        served_on = coalesce(\(date), served_on),
                        beneficiaries = coalesce(\(beneficiaries), beneficiaries),
                        volunteers = coalesce(\(volunteers), volunteers), hours = coalesce(\(hours), hours)
                    WHERE id = \(id)
                    """)
        }
    }

    /// The rules a service's figures keep, each refusal naming its field; nil is not given.
    static func check(
        date: CalendarDate?, beneficiaries: Int?, volunteers: Int?, hours: Decimal?, today: CalendarDate
    ) throws {
        for (field, count) in [("beneficiaries", beneficiaries), ("volunteers", volunteers)] {
            if let count, count < 0 {
                throw WorkforceError.invalid(field: Field(field), value: String(count), reason: "must be 0 or more")
            }
        }
        if let date, date > today {
            throw WorkforceError.invalid(field: "date", value: date.iso, reason: "is after today (\(today))")
        }
        try RecordDates.check(date, field: "date")
        if let hours, hours < 0 || !isPlainDecimal(NSDecimalNumber(decimal: hours).stringValue) {
            throw WorkforceError.invalid(
                field: "hours", value: "\(hours)",
                reason: "must be a number of hours with at most two decimals, e.g. 1.5")
        }
    }

    /// Services delivered in the filter's dates, at its enterprises, oldest first.
    public func list(_ filter: WorkAreaFilter) throws -> [ServiceRecord] {
        try db.query(
            """
            SELECT s.id, s.served_on, en.uscc, en.name, s.kind, s.beneficiaries, coalesce(o.name, p.name),
                   s.volunteers, s.hours::text
            FROM service_record s
            JOIN enterprise en ON en.id = s.enterprise_id
            LEFT JOIN service_org o ON o.id = s.provider_org_id
            LEFT JOIN person p ON p.id = s.provider_person_id
            WHERE \(filter.condition(enterprise: "s.enterprise_id", date: "s.served_on"))
              AND (\(filter.providerOrgID)::bigint IS NULL OR s.provider_org_id = \(filter.providerOrgID))
            ORDER BY s.served_on, s.id
            """
        ).map { row in
            ServiceRecord(
                id: try row.decode(0), servedOn: try row.decode(1), enterpriseUSCC: try row.decode(2),
                enterpriseName: try row.decode(3), kind: try row.decode(4), beneficiaries: try row.decode(5),
                provider: try row.decode(6), volunteers: try row.decode(7), hours: try row.decode(8))
        }
    }
}
