public import PostgresClient
public import Workforce

extension RatioEntry {
    /// The JSON object of the documented shape: as_of, the scope, tracked, certified, ratio,
    /// by_department and by_level.
    public func json(asOf: CalendarDate) -> [(String, JSON)] {
        var members: [(String, JSON)] = [("as_of", .string(asOf.iso))]
        switch scope {
        case .enterprise(let enterprise):
            members.append(("enterprise", .object([
                ("uscc", .string(enterprise.uscc)), ("name", .string(enterprise.name)),
                ("region_code", .string(enterprise.regionCode)),
            ])))
        case .region(let code, let name):
            members.append(("region", .object([("code", .string(code)), ("name", .optional(name))])))
        case .country:
            members.append(("region", .null))
        }
        members += [
            ("tracked", .int(counts.tracked)), ("certified", .int(counts.certified)),
            ("ratio", counts.ratio.map(JSON.number) ?? .null),
            ("by_department", .array(departments.map { department in
                .object([
                    ("department", .string(department.department.rawValue)),
                    ("tracked", .int(department.counts.tracked)), ("certified", .int(department.counts.certified)),
                    ("ratio", department.counts.ratio.map(JSON.number) ?? .null),
                ])
            })),
            ("by_level", .object([
                ("junior", .int(levels.junior)), ("intermediate", .int(levels.intermediate)), ("senior", .int(levels.senior)),
            ])),
        ]
        return members
    }
}

extension RatioReport {
    /// The region object with its enterprises, or the country object with provinces and enterprises.
    public var json: JSON {
        var members = total.json(asOf: asOf)
        if case .country = total.scope {
            members.append(("provinces", .array(provinces.map { .object($0.json(asOf: asOf)) })))
        }
        members.append(("enterprises", .array(enterprises.map { .object($0.json(asOf: asOf)) })))
        return .object(members)
    }
}
