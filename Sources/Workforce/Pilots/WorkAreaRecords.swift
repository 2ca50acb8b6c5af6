public import CalendarDates
import PostgresClient

/// Which records of the work areas to list: those of some enterprises (nil: any) or of a region,
/// between two dates (inclusive, either open).
public struct WorkAreaFilter: Sendable {
    public var enterpriseIDs: [Int]?
    public var region: String?
    public var from: CalendarDate?
    public var to: CalendarDate?
    /// Only what this service organization provided.
    public var providerOrgID: Int?

    public init(enterpriseIDs: [Int]? = nil, region: String? = nil, from: CalendarDate? = nil, to: CalendarDate? = nil, providerOrgID: Int? = nil) {
        self.enterpriseIDs = enterpriseIDs
        self.region = region
        self.from = from
        self.to = to
        self.providerOrgID = providerOrgID
    }

    /// The records of a pilot's period.
    init(scope: PilotScope) {
        self.init(enterpriseIDs: scope.enterpriseIDs, region: scope.ratioRegion,
                  from: scope.from, to: scope.to, providerOrgID: scope.serviceOrgID)
    }

    /// The SQL condition on an enterprise id column and a date column.
    func condition(enterprise: SQLQuery, date: SQLQuery) -> SQLQuery {
        "\(enterpriseCondition(enterprise)) AND \(dateCondition(date))"
    }

    func enterpriseCondition(_ enterprise: SQLQuery) -> SQLQuery {
        """
        (\(enterpriseIDs)::bigint[] IS NULL OR \(enterprise) = ANY (\(enterpriseIDs)))
        AND (\(region)::text IS NULL OR \(enterprise) IN (SELECT id FROM enterprise WHERE in_region(region_code, \(region))))
        """
    }

    func dateCondition(_ date: SQLQuery) -> SQLQuery {
        "(\(from)::date IS NULL OR \(date) >= \(from)::date) AND (\(to)::date IS NULL OR \(date) <= \(to)::date)"
    }
}

/// One line of a listing: a header and rows of text, as CSV and tables want them.
public struct RecordTable: Sendable {
    public let headers: [String]
    public let rows: [[String]]

    public init(headers: [String], rows: [[String]]) {
        self.headers = headers
        self.rows = rows
    }
}

extension Pilots {
    /// Resolves the command line's --enterprise / --region to a filter.
    public func filter(enterpriseUSCC: String?, region: String?, from: CalendarDate?, to: CalendarDate?) throws -> WorkAreaFilter {
        WorkAreaFilter(enterpriseIDs: try enterpriseUSCC.map { [try Enterprises(db: db).lookUp(uscc: $0).id] },
                       region: try region.map { try Codes.validRegion($0) }, from: from, to: to)
    }

    public func posts(_ filter: WorkAreaFilter, includeIDNumbers: Bool = false) throws -> RecordTable {
        let rows = try db.query("""
            SELECT po.id, po.created_on::text, en.uscc, en.name, po.department::text, po.title, coalesce(p.name, ''), coalesce(p.id_number, '')
            FROM social_work_post po
            JOIN enterprise en ON en.id = po.enterprise_id
            LEFT JOIN person p ON p.id = po.filled_by
            WHERE \(filter.condition(enterprise: "po.enterprise_id", date: "po.created_on"))
            ORDER BY po.created_on, po.id
            """).map { row in
            let id: String = try row.decode(7)
            return [String(try row.decode(0, as: Int.self)), try row.decode(1), try row.decode(2), try row.decode(3), try row.decode(4),
                    try row.decode(5), try row.decode(6), id.isEmpty || includeIDNumbers ? id : maskedIDNumber(id)]
        }
        return RecordTable(headers: ["id", "created_on", "enterprise_uscc", "enterprise", "department", "title", "filled_by", "filled_by_id_number"],
                           rows: rows)
    }

    public func services(_ filter: WorkAreaFilter) throws -> RecordTable {
        let rows = try db.query("""
            SELECT s.id, s.served_on::text, en.uscc, en.name, s.kind::text, s.beneficiaries, coalesce(o.name, p.name, ''),
                   coalesce(s.volunteers::text, ''), coalesce(s.hours::text, '')
            FROM service_record s
            JOIN enterprise en ON en.id = s.enterprise_id
            LEFT JOIN service_org o ON o.id = s.provider_org_id
            LEFT JOIN person p ON p.id = s.provider_person_id
            WHERE \(filter.condition(enterprise: "s.enterprise_id", date: "s.served_on"))
              AND (\(filter.providerOrgID)::bigint IS NULL OR s.provider_org_id = \(filter.providerOrgID))
            ORDER BY s.served_on, s.id
            """).map { row in
            [String(try row.decode(0, as: Int.self)), try row.decode(1), try row.decode(2), try row.decode(3), try row.decode(4),
             String(try row.decode(5, as: Int.self)), try row.decode(6), try row.decode(7), try row.decode(8)]
        }
        return RecordTable(headers: ["id", "served_on", "enterprise_uscc", "enterprise", "kind", "beneficiaries", "provider", "volunteers", "hours"],
                           rows: rows)
    }

    /// Money received by the enterprises, or by the region itself when the filter names one.
    public func funding(_ filter: WorkAreaFilter) throws -> RecordTable {
        let rows = try db.query("""
            SELECT f.id, f.received_on::text, coalesce(en.uscc, f.region_code), coalesce(en.name, r.name, f.region_code),
                   f.source::text, f.amount::text, coalesce(o.name, ''), coalesce(f.contract_no, '')
            FROM funding f
            LEFT JOIN enterprise en ON en.id = f.enterprise_id
            LEFT JOIN region r ON r.code = f.region_code
            LEFT JOIN service_org o ON o.id = f.provider_org_id
            WHERE \(filter.dateCondition("f.received_on"))
              AND (\(filter.providerOrgID)::bigint IS NULL OR f.provider_org_id = \(filter.providerOrgID))
              AND ((f.enterprise_id IS NOT NULL AND \(filter.enterpriseCondition("f.enterprise_id")))
                   OR (f.region_code IS NOT NULL AND CASE WHEN \(filter.region)::text IS NULL THEN \(filter.enterpriseIDs)::bigint[] IS NULL
                                                          ELSE in_region(f.region_code, \(filter.region)) END))
            ORDER BY f.received_on, f.id
            """).map { row in
            [String(try row.decode(0, as: Int.self)), try row.decode(1), try row.decode(2), try row.decode(3), try row.decode(4),
             try row.decode(5), try row.decode(6), try row.decode(7)]
        }
        return RecordTable(headers: ["id", "received_on", "recipient_code", "recipient", "source", "amount", "provider_org", "contract_no"],
                           rows: rows)
    }

    public func serviceOrgs() throws -> RecordTable {
        let rows = try db.query("""
            SELECT o.uscc, o.name, o.region_code, coalesce(o.founded_on::text, ''),
                   (SELECT count(*) FROM service_record s WHERE s.provider_org_id = o.id)
            FROM service_org o ORDER BY o.region_code, o.uscc
            """).map { row in
            [try row.decode(0), try row.decode(1), try row.decode(2), try row.decode(3), String(try row.decode(4, as: Int.self))]
        }
        return RecordTable(headers: ["uscc", "name", "region_code", "founded_on", "services"], rows: rows)
    }
}
