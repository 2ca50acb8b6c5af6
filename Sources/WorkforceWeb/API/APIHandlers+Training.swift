import CalendarDates
import Workforce
import WorkforceOutput

extension APIHandlers {
    func listHours(_ input: Operations.ListHours.Input) async throws -> Operations.ListHours.Output {
        let query = input.query
        let page = try PageRequest(limit: query.limit, cursor: query.cursor)
        var (from, to) = (try APIInput.date(query.from, "from"), try APIInput.date(query.to, "to"))
        if let year = query.year {
            guard from == nil, to == nil else {
                throw APIProblem.badParameter(
                    from != nil ? "from" : "to", "goes without year; give year or from and to")
            }
            guard (1949...9999).contains(year), let first = CalendarDate(year: year, month: 1, day: 1),
                let last = CalendarDate(year: year, month: 12, day: 31)
            else { throw APIProblem.badParameter("year", "must be from 1949 to 9999") }
            (from, to) = (first, last)
        }
        let (enterprise, region, first, last) = (query.enterprise, query.region, from, to)
        let (report, whole) = try await APIHandlers.transaction { db in
            // As `esw training hours`.
            let report = try TrainingRecords(db: db).hours(
                enterpriseUSCC: enterprise, region: region, from: first, to: last, today: .today())
            return (report, try Persons(db: db).seesWholeIDNumbers())
        }
        let (people, next) = page.slice(report.people)
        let items = people.map { person in
            Components.Schemas.PersonHours(
                idNumber: shownIDNumber(person.idNumber, whole: whole), name: person.name,
                enterpriseUscc: person.enterpriseUSCC, department: person.department.rawValue, events: person.events,
                hours: Double(person.hours) ?? 0)
        }
        return .ok(.init(body: .json(.init(items: items, nextCursor: next))))
    }

    func listTrainingGaps(_ input: Operations.ListTrainingGaps.Input) async throws
        -> Operations.ListTrainingGaps.Output
    {
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let asOf = try APIInput.date(input.query.asOf, "as_of") ?? .today()
        let uscc = input.path.uscc
        let (gaps, whole) = try await APIHandlers.enterpriseInPath {
            try await APIHandlers.transaction { db in
                // As `esw training gaps --enterprise USCC`.
                (
                    try TrainingRecords(db: db).gaps(enterpriseUSCC: uscc, asOf: asOf),
                    try Persons(db: db).seesWholeIDNumbers()
                )
            }
        }
        let (lines, next) = page.slice(gaps)
        let items = lines.map { gap in
            Components.Schemas.TrainingGap(
                reason: gap.reason == .untrained ? .untrained : .continuingEducationShort,
                idNumber: shownIDNumber(gap.idNumber, whole: whole), name: gap.name,
                departments: gap.departments.map(\.rawValue),
                level: gap.level.map(Components.Schemas.CertificateLevel.init),
                periodStart: gap.periodStart?.iso, periodEnd: gap.periodEnd?.iso,
                creditedHours: Double(gap.creditedHours) ?? 0, requiredHours: gap.requiredHours.flatMap { Double($0) },
                missingHours: gap.missingHours.flatMap { Double($0) })
        }
        return .ok(.init(body: .json(.init(items: items, nextCursor: next))))
    }
}
