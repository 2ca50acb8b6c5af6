import CalendarDates
import Foundation
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
        let fetched = try await APIHandlers.transaction { db in
            try Events(db: db).list(
                from: from, to: to, kind: kind, enterpriseUSCC: enterprise, region: region, limit: page.fetchLimit,
                offset: page.offset)
        }
        let (events, next) = page.page(ofFetched: fetched)
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

    func listQuotas(_ input: Operations.ListQuotas.Input) async throws -> Operations.ListQuotas.Output {
        let event = try APIHandlers.eventID(input.path.id)
        // As `esw event show`: an event outside the scope is not found.
        let detail = try await APIHandlers.transaction { db in try Events(db: db).detail(id: event) }
        let items = detail.quotas.map { quota in
            Components.Schemas.QuotaList.ItemsPayloadPayload(
                department: quota.department.rawValue, seats: quota.seats, taken: quota.taken)
        }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func recordAttendance(_ input: Operations.RecordAttendance.Input) async throws
        -> Operations.RecordAttendance.Output
    {
        guard case .json(let body) = input.body else { throw APIProblem.badParameter("id_number", "is needed") }
        let event = try APIHandlers.eventID(input.path.id)
        let hours = try body.hours.map { hours in
            guard body.attended, hours.isFinite, let value = Decimal(string: "\(hours)") else {
                throw APIProblem.badParameter("hours", "goes with attended true, as a number of hours")
            }
            return value
        }
        let at = APIInput.now()
        try await APIHandlers.transaction { db in
            try Attendance(db: db).record(
                eventID: event, idNumber: body.idNumber, attended: body.attended, hours: hours, at: at, today: .today())
        }
        return .ok(.init(body: .json(.init(status: body.attended ? .attended : .absent))))
    }

    private static func eventID(_ id: Int64) throws -> Int { try APIInput.id(id, "id", "an event id") }
}
