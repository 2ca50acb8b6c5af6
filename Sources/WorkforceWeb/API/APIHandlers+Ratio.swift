import CalendarDates
import PostgresClient
import Workforce
import WorkforceOutput

extension APIHandlers {
    func getRatio(_ input: Operations.GetRatio.Input) async throws -> Operations.GetRatio.Output {
        let query = input.query
        let request = try RatioRequest(
            on: query.on, count: query.count, trend: query.trend, from: query.from, to: query.to, every: query.every)
        let region = query.region
        let json = try await APIHandlers.transaction { db in
            // As `esw ratio` without --enterprise: the user's scope, their enterprise or their region.
            let scope = try Session.scope(db)
            return try request.json(db, enterprise: region == nil ? scope.uscc : nil, region: region ?? scope.region)
        }
        return .ok(.init(body: .json(RatioJSON.body(json))))
    }

    func getEnterpriseRatio(_ input: Operations.GetEnterpriseRatio.Input) async throws
        -> Operations.GetEnterpriseRatio.Output
    {
        let query = input.query
        let request = try RatioRequest(
            on: query.on, count: query.count, trend: query.trend, from: query.from, to: query.to, every: query.every)
        let uscc = input.path.uscc
        let json = try await APIHandlers.enterpriseInPath {
            try await APIHandlers.transaction { db in try request.json(db, enterprise: uscc, region: nil) }
        }
        return .ok(.init(body: .json(RatioJSON.body(json))))
    }
}

/// A ratio request as `esw ratio` takes it (`by` changes nothing in JSON, which carries both
/// breakdowns, so it is only checked by the generated code).
struct RatioRequest: Sendable {
    let asOf: CalendarDate?
    let registeredOnly: Bool
    let trend: (from: CalendarDate, to: CalendarDate, every: TrendStep)?

    init(
        on: String?, count: Components.Parameters.Count?, trend: Bool?, from: String?, to: String?,
        every: Components.Parameters.Every?
    ) throws {
        asOf = try APIInput.date(on, "on")
        registeredOnly = count == .registeredOnly
        let from = try APIInput.date(from, "from")
        let to = try APIInput.date(to, "to")
        if trend == true {
            guard let from else { throw APIProblem.badParameter("from", "is needed with trend") }
            guard let to else { throw APIProblem.badParameter("to", "is needed with trend") }
            if asOf != nil { throw APIProblem.badParameter("on", "goes without trend; a trend takes from and to") }
            self.trend = (from, to, every.flatMap { TrendStep(rawValue: $0.rawValue) } ?? .month)
        } else {
            if from != nil || to != nil {
                throw APIProblem.badParameter(from != nil ? "from" : "to", "goes with trend; for one date use on")
            }
            self.trend = nil
        }
    }

    /// The JSON `esw ratio --format json` prints for the same request: one enterprise, a region's
    /// or the country's entries, or a trend.
    func json(_ db: Connection, enterprise: String?, region: String?) throws -> JSON {
        let service = RatioService(db: db)
        if let trend {
            guard enterprise != nil || region != nil else {
                throw APIProblem.badParameter("region", "is needed for a trend of more than one enterprise")
            }
            let points = try service.trend(
                uscc: enterprise, region: region, from: trend.from, to: trend.to, every: trend.every,
                registeredOnly: registeredOnly)
            return RatioOutput.trendJSON(points, enterprise: enterprise, region: region, every: trend.every)
        }
        let asOf = self.asOf ?? .today()
        // The first read of a new day makes the maintained figure hold it (docs/scaling.md).
        if self.asOf == nil { try service.holdToday(asOf, registeredOnly: registeredOnly) }
        if let enterprise {
            return .object(
                try service.enterprise(uscc: enterprise, asOf: asOf, registeredOnly: registeredOnly).json(asOf: asOf))
        }
        return try service.report(region: region, asOf: asOf, includeDepartments: true, registeredOnly: registeredOnly)
            .json
    }
}
