import CalendarDates
import Workforce
import WorkforceOutput

extension APIHandlers {
    func listEvents(_ input: Operations.ListEvents.Input) async throws -> Operations.ListEvents.Output {
        let query = input.query
        let page = try PageRequest(limit: query.limit, cursor: query.cursor)
        let from = try APIInput.date(query.from, "from")
        let to = try APIInput.date(query.to, "to")
        let kind = try APIInput.eventKind(query.kind)
        let (enterprise, region) = (query.enterprise, query.region)
        let all = try await APIHandlers.transaction { db in
            try Events(db: db).list(from: from, to: to, kind: kind, enterpriseUSCC: enterprise, region: region)
        }
        let (events, next) = page.slice(all)
        let items = events.map { event in
            Components.Schemas.Event(
                id: Int64(event.id), kind: event.kind.rawValue, title: event.title,
                startsAt: event.startsAt.description, endsAt: event.endsAt.description,
                hours: Double(event.hours) ?? 0, capacity: event.capacity, organizer: event.organizer,
                enrolled: event.enrolled, waitlisted: event.waitlisted, attended: event.attended,
                cancelled: event.cancelled)
        }
        return .ok(.init(body: .json(.init(items: items, nextCursor: next))))
    }

    func enroll(_ input: Operations.Enroll.Input) async throws -> Operations.Enroll.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badParameter("id_number", "is needed") }
        let event = try APIHandlers.eventID(input.path.id)
        let at = APIInput.now()
        let outcome = try await APIHandlers.transaction { db in
            try Enrollments(db: db).enroll(eventID: event, idNumber: body.idNumber, at: at, today: .today())
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        status: .init(rawValue: outcome.status.rawValue) ?? .enrolled,
                        waitlistPosition: outcome.waitlistPosition, changed: outcome.changed))))
    }

    func cancelEnrollment(_ input: Operations.CancelEnrollment.Input) async throws
        -> Operations.CancelEnrollment.Output
    {
        guard case .json(let body) = input.body else { throw APIProblem.badParameter("id_number", "is needed") }
        let event = try APIHandlers.eventID(input.path.id)
        let (promotion, whole) = try await APIHandlers.transaction { db in
            let promotion = try Enrollments(db: db).cancel(eventID: event, idNumber: body.idNumber, today: .today())
            return (promotion, try Persons(db: db).seesWholeIDNumbers())
        }
        let promoted: String?
        switch promotion {
        case .person(let idNumber): promoted = shownIDNumber(idNumber, whole: whole)
        case .nobody, .outsideScope: promoted = nil
        }
        return .ok(
            .init(body: .json(.init(promoted: promoted, promotedOutsideScope: promotion == .outsideScope))))
    }

    private static func eventID(_ id: Int64) throws -> Int {
        guard let id = Int(exactly: id), id > 0 else { throw APIProblem.badParameter("id", "is not an event id") }
        return id
    }
}
