public import CalendarDates
import Foundation
public import PostgresClient

/// A service organization as listed.
public struct ServiceOrganizationRecord: Sendable, Equatable {
    public let uscc: String
    public let name: String
    public let regionCode: String
    public let foundedOn: CalendarDate?
    public let services: Int
}

/// Social-work service organizations (民办社会工作服务机构).
public struct ServiceOrganizations {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// The organization's id; an invalid or unknown USCC is refused naming `field`.
    func id(uscc: String, field: Field = "service_org") throws -> Int {
        let code = try Codes.validUSCC(uscc, field: field)
        let rows = try db.query("SELECT id FROM service_org WHERE uscc = \(code)")
        guard let row = rows.first else {
            throw WorkforceError.notFound(
                "no service organization has USCC \(code); add it with \(remedy: .addServiceOrganization)")
        }
        return try row.decode(0)
    }

    /// What `add` did.
    public enum Addition: Sendable, Equatable {
        /// A new organization.
        case added
        /// The organization was on record exactly as given: nothing was written.
        case unchanged
        /// The organization was on record with other values, replaced as asked (`update`).
        case updated([FieldChange])
    }

    /// Adds a social-work service organization. One on record with this USCC is never overwritten
    /// silently: given identically, nothing changes (`unchanged`); given with another name, region
    /// or founding date, it is refused showing what is on record and what was given, field by
    /// field, unless `update` asks to replace them (`updated`, old and new in the audit trail).
    /// A founding date left out keeps the one on record.
    @discardableResult
    public func add(uscc: String, name: String, region: String, founded: CalendarDate?, update: Bool = false)
        throws -> Addition
    {
        let code = try Codes.validUSCC(uscc, field: "uscc")
        let regionCode = try Regions(db: db).known(region)
        try RecordDates.check(founded, field: "founded")
        let name = try TextLimits.valid(name, as: .organizationName, field: "name")
        return try db.transaction { db in
            let fields: [Field] = ["name", "region", "founded"]
            if let recorded = try Correction.snapshot(
                db, "SELECT name, region_code, founded_on::text FROM service_org WHERE uscc = \(code) FOR UPDATE",
                count: 3)
            {
                let differences = FieldChange.differences(
                    fields, recorded, [name, regionCode, founded?.iso ?? recorded[2]])
                if differences.isEmpty { return .unchanged }
                guard update else {
                    throw WorkforceError.conflict(
                        """
                        a service organization with USCC \(code) is on record; nothing was changed. To replace what \
                        is on record with what was given, add it again with \(field: "update"):
                        """ + .recordedVersusGiven(differences))
                }
                try db.execute(
                    """
                    UPDATE service_org SET name = \(name), region_code = \(regionCode),
                        founded_on = coalesce(\(founded), founded_on)
                    WHERE uscc = \(code)
                    """)
                try Audit.record(
                    on: db, action: "org update", subject: code,
                    detail: ["fields": differences.map(\.field.rawValue).joined(separator: ",")])
                return .updated(differences)
            }
            try db.execute(
                """
                INSERT INTO service_org (uscc, name, region_code, founded_on)
                VALUES (\(code), \(name), \(regionCode), \(founded))
                """)
            try Audit.record(on: db, action: "org add", subject: code, detail: ["name": name])
            return .added
        }
    }

    /// Every organization, by region, with the number of services it provided.
    public func list() throws -> [ServiceOrganizationRecord] {
        try db.query(
            """
            SELECT o.uscc, o.name, o.region_code, o.founded_on,
                   (SELECT count(*) FROM service_record s WHERE s.provider_org_id = o.id)
            FROM service_org o ORDER BY o.region_code, o.uscc
            """
        ).map { row in
            ServiceOrganizationRecord(
                uscc: try row.decode(0), name: try row.decode(1), regionCode: try row.decode(2),
                foundedOn: try row.decode(3), services: try row.decode(4))
        }
    }
}
