import Workforce

extension APIHandlers {
    func listEnterprises(_ input: Operations.ListEnterprises.Input) async throws -> Operations.ListEnterprises.Output {
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let region = input.query.region
        let fetched = try await APIHandlers.transaction { db in
            try Enterprises(db: db).list(inRegion: region, limit: page.fetchLimit, offset: page.offset)
        }
        let (items, next) = page.page(ofFetched: fetched)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: items.map {
                            .init(uscc: $0.uscc, name: $0.name, regionCode: $0.regionCode, employees: $0.employees)
                        }, nextCursor: next))))
    }
}
