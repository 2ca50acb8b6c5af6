public import CalendarDates
import Foundation
public import PostgresClient

/// Money received, as listed: an enterprise or a region (the recipient), exact yuan as text.
public struct FundingRecord: Sendable, Equatable {
    public let id: Int
    public let receivedOn: CalendarDate
    /// The enterprise's USCC, or the region's code.
    public let recipientCode: String
    public let recipientName: String
    public let source: FundingSource
    public let amount: String
    public let providerOrganization: String?
    public let contractNo: String?
}

/// Money put into the work (资金投入): government purchase of services, enterprise funds, other.
public struct Funding {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Records money received by an enterprise or a region, exact to the fen.
    ///
    /// An entry with the same recipient, source, amount, date and contract number (none on both
    /// counts as the same) as one on record is refused as a duplicate, showing the one on record and
    /// any difference in the provider, unless `allowDuplicate` says it is a real second payment.
    public func add(
        enterpriseUSCC: String?, region: String?, source: FundingSource, amount: String,
        on date: CalendarDate, providerOrg: String?, contract: String?, allowDuplicate: Bool = false
    ) throws -> Int {
        guard (enterpriseUSCC == nil) != (region == nil) else {
            throw WorkforceError.invalid(
                field: "enterprise", value: enterpriseUSCC ?? "",
                reason: "give \(field: "enterprise") or \(field: "region"), one of them")
        }
        let trimmed = try Funding.validAmount(amount)
        let contract = try TextLimits.valid(contract, as: .contractNumber, field: "contract")
        let enterpriseID = try enterpriseUSCC.map { try Enterprises(db: db).lookUp(uscc: $0).id }
        let regionCode = try region.map { try Regions(db: db).known($0) }
        try RecordDates.check(date, field: "date")
        let orgID = try providerOrg.map { try ServiceOrganizations(db: db).id(uscc: $0, field: "provider_org") }
        return try db.transaction { db in
            let same: SQLQuery = """
                enterprise_id IS NOT DISTINCT FROM \(enterpriseID)::bigint
                AND region_code IS NOT DISTINCT FROM \(regionCode)::text AND source = \(source.rawValue)::funding_source
                AND amount = \(trimmed)::numeric AND received_on = \(date)
                AND contract_no IS NOT DISTINCT FROM \(contract)::text
                """
            if !allowDuplicate,
                let recorded = try db.query(
                    """
                    SELECT f.id, o.uscc FROM funding f LEFT JOIN service_org o ON o.id = f.provider_org_id
                    WHERE f.id = (SELECT min(id) FROM funding WHERE \(same))
                    """
                ).first
            {
                let id: Int = try recorded.decode(0)
                let givenOrg = try providerOrg.map { try Codes.validUSCC($0, field: "provider_org") }
                let differences = FieldChange.differences(["provider_org"], [try recorded.decode(1)], [givenOrg])
                throw WorkforceError.conflict(
                    """
                    funding \(id) on record has the same recipient, source, amount, date and contract number\
                    \(differences.isEmpty ? " (and provider)" : ""); nothing was recorded. If this is a second \
                    payment, record it with \(field: "allow_duplicate"); to change that one, use \
                    \(remedy: .amendFunding)
                    """ + .recordedVersusGiven(differences))
            }
            let id: Int = try db.query(
                """
                INSERT INTO funding (enterprise_id, region_code, source, amount, received_on, provider_org_id,
                                     contract_no, duplicate_no)
                VALUES (\(enterpriseID), \(regionCode), \(source.rawValue)::funding_source, \(trimmed)::numeric,
                        \(date), \(orgID), \(contract),
                        (SELECT coalesce(max(duplicate_no) + 1, 0) FROM funding WHERE \(same)))
                RETURNING id
                """
            ).single().decode(0)
            try Audit.record(
                on: db, action: "funding add", subject: "funding \(id)",
                detail: ["amount": trimmed, "source": source.rawValue])
            return id
        }
    }

    /// Deletes a funding entry recorded by mistake, with the reason the audit trail keeps.
    public func delete(id: Int, reason: String) throws {
        try Correction.delete(
            db, what: "funding \(id)", action: "funding delete", reason: reason,
            delete: "DELETE FROM funding WHERE id = \(id) RETURNING id")
    }

    /// Corrects a funding entry's source, amount, date or contract number (nil: unchanged), with
    /// the reason the audit trail keeps; returns each changed field before and after.
    public func amend(
        id: Int, source: FundingSource? = nil, amount: String? = nil, on date: CalendarDate? = nil,
        contract: String? = nil, reason: String
    ) throws -> [FieldChange] {
        let amount = try amount.map(Funding.validAmount)
        let contract = try TextLimits.valid(contract, as: .contractNumber, field: "contract")
        try RecordDates.check(date, field: "on")
        return try Duplicates.amending("funding \(id)", constraint: "funding_once") {
            try Correction.amend(
                db, what: "funding \(id)", action: "funding amend", reason: reason,
                fields: ["source", "amount", "on", "contract"],
                read: """
                    SELECT source::text, amount::text, received_on::text, contract_no FROM funding
                    WHERE id = \(id) FOR UPDATE
                    """,
                update: """
                    UPDATE funding
                    SET source = coalesce(\(source?.rawValue)::funding_source, source),
                        amount = coalesce(\(amount)::numeric, amount), received_on = coalesce(\(date), received_on),
                        contract_no = coalesce(\(contract), contract_no)
                    WHERE id = \(id)
                    """)
        }
    }

    /// Money is read as decimal text and must have at most two places: no floating point on the way.
    static func validAmount(_ amount: String) throws -> String {
        let trimmed = amount.trimmingSpaces
        guard isPlainDecimal(trimmed), let value = Decimal(string: trimmed), value > 0 else {
            throw WorkforceError.invalid(
                field: "amount", value: amount,
                reason: "must be a positive amount in yuan with at most two decimals, e.g. 12345.67")
        }
        return trimmed
    }

    /// Money received by the enterprises, or by the region itself when the filter names one.
    public func list(_ filter: WorkAreaFilter) throws -> [FundingRecord] {
        try db.query(
            """
            SELECT f.id, f.received_on, coalesce(en.uscc, f.region_code),
                   coalesce(en.name, region_full_name(r.code), f.region_code),
                   f.source, f.amount::text, o.name, f.contract_no
            FROM funding f
            LEFT JOIN enterprise en ON en.id = f.enterprise_id
            LEFT JOIN region r ON r.code = f.region_code
            LEFT JOIN service_org o ON o.id = f.provider_org_id
            WHERE \(filter.dateCondition("f.received_on"))
              AND (\(filter.providerOrgID)::bigint IS NULL OR f.provider_org_id = \(filter.providerOrgID))
              AND ((f.enterprise_id IS NOT NULL AND \(filter.enterpriseCondition("f.enterprise_id")))
                   OR (f.region_code IS NOT NULL
                       AND CASE WHEN \(filter.region)::text IS NULL THEN \(filter.enterpriseIDs)::bigint[] IS NULL
                                ELSE in_region(f.region_code, \(filter.region)) END))
            ORDER BY f.received_on, f.id
            """
        ).map { row in
            FundingRecord(
                id: try row.decode(0), receivedOn: try row.decode(1), recipientCode: try row.decode(2),
                recipientName: try row.decode(3), source: try row.decode(4), amount: try row.decode(5),
                providerOrganization: try row.decode(6), contractNo: try row.decode(7))
        }
    }
}
