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
    public func record(
        enterpriseUSCC: String, kind: ServiceKind, on date: CalendarDate, beneficiaries: Int,
        provider: String?, volunteers: Int?, hours: Decimal?, today: CalendarDate
    ) throws -> Int {
        guard beneficiaries >= 0 else {
            throw WorkforceError.invalid(
                field: "beneficiaries", value: String(beneficiaries), reason: "must be 0 or more")
        }
        guard date <= today else {
            throw WorkforceError.invalid(field: "date", value: date.iso, reason: "is after today (\(today))")
        }
        try RecordDates.check(date, field: "date")
        if let hours, hours < 0 || !isPlainDecimal(NSDecimalNumber(decimal: hours).stringValue) {
            throw WorkforceError.invalid(
                field: "hours", value: "\(hours)",
                reason: "must be a number of hours with at most two decimals, e.g. 1.5")
        }
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
            let id: Int = try db.query(
                """
                INSERT INTO service_record (enterprise_id, kind, served_on, beneficiaries, provider_person_id,
                                            provider_org_id, volunteers, hours)
                VALUES (\(enterpriseID), \(kind.rawValue)::service_kind, \(date), \(beneficiaries), \(personID),
                        \(orgID), \(volunteers), \(hours))
                RETURNING id
                """
            ).single().decode(0)
            try Audit.record(
                on: db, action: "service record", subject: "service \(id)", detail: ["kind": kind.rawValue])
            return id
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
