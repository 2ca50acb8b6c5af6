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

    /// Adds a social-work service organization (or updates the one with this USCC).
    public func add(uscc: String, name: String, region: String, founded: CalendarDate?) throws {
        let code = try Codes.validUSCC(uscc, field: "uscc")
        let regionCode = try Regions(db: db).known(region)
        try RecordDates.check(founded, field: "founded")
        let name = try TextLimits.valid(name, as: .organizationName, field: "name")
        try db.transaction { db in
            try db.execute(
                """
                INSERT INTO service_org (uscc, name, region_code, founded_on) VALUES (\(code), \(name),
                                                                                      \(regionCode), \(founded))
                ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, region_code = excluded.region_code,
                    founded_on = coalesce(excluded.founded_on, service_org.founded_on)
                """)
            try Audit.record(on: db, action: "org add", subject: code, detail: ["name": name])
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
