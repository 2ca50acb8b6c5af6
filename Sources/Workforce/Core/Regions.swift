public import PostgresClient

/// A division of the GB/T 2260 code table (sql/0026): in use now, or abolished since 1981.
public struct Region: Sendable, Equatable {
    public let code: String
    /// Its own name, 南山区.
    public let name: String
    /// Province, prefecture and county, 广东省深圳市南山区 (sql/0026 `region_full_name`).
    public let fullName: String
    /// The first year the code was no longer in use; nil while it is.
    public let abolishedIn: Int?
}

/// The administrative divisions of GB/T 2260 that the database names (sql/0001, sql/0008, sql/0026):
/// every county-level and higher code of the yearly lists since 1981 (docs/regions.md).
public struct Regions {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// The divisions of the codes given that the table has, by code.
    public func divisions(_ codes: [String]) throws -> [String: Region] {
        var divisions: [String: Region] = [:]
        for row in try db.query(
            """
            SELECT code, name, region_full_name(code), in_use_until FROM region
            WHERE code = ANY(\(codes)::text[])
            """)
        {
            let division = Region(
                code: try row.decode(0), name: try row.decode(1), fullName: try row.decode(2),
                abolishedIn: try row.decode(3, as: Int?.self))
            divisions[division.code] = division
        }
        return divisions
    }

    /// The division of a code: normalized and known (``known(_:field:)``), with its names.
    ///
    /// - Throws: `WorkforceError.invalid` naming `field` for a code of the wrong form or one that
    ///   no code list since 1981 has (440399).
    public func lookUp(_ code: String, field: Field = "region") throws -> Region {
        let normalized = try known(code, field: field)
        guard let division = try divisions([normalized])[normalized] else {
            throw WorkforceError.invalid(field: field, value: code, reason: "is not a GB/T 2260 division")
        }
        return division
    }

    /// Whether the division `code` lies inside `scope` (a province, city or county code; nil is the
    /// country), by the code prefixes every scope uses (`in_region`).
    public func isWithin(_ code: String, scope: String?) throws -> Bool {
        try db.query("SELECT in_region(\(code), \(scope))").single().decode(0)
    }

    /// A region code that names a division of the code table, normalized, or a domain error naming
    /// `field`: six digits under a known province (``Codes/checkRegion(_:)``), and a row of region,
    /// in use or abolished (sql/0026 `region_code_unknown`, the rule the database enforces on every
    /// table that stores a region code). Every command that takes a region, to store or to filter
    /// by, asks this: an unknown code is refused, not answered with nothing.
    func known(_ code: String, field: Field = "region") throws -> String {
        let normalized = try Codes.validRegion(code, field: field)
        let problem: String? = try db.query("SELECT region_code_unknown(\(normalized))").single().decode(0)
        if let problem { throw WorkforceError.invalid(field: field, value: code, reason: Reason(problem)) }
        return normalized
    }
}
