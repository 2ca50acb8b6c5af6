import CalendarDates
import PostgresClient
import Workforce

extension APIHandlers {
    func listPilotPrograms(_ input: Operations.ListPilotPrograms.Input) async throws
        -> Operations.ListPilotPrograms.Output
    {
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let all = try await APIHandlers.transaction { db in try PilotPrograms(db: db).list() }
        let (programs, next) = page.slice(all)
        let items = programs.map { program in
            Components.Schemas.PilotProgram(
                id: Int64(program.id), name: program.name, document: program.document, applyBy: program.applyBy.iso,
                confirmBy: program.confirmBy.iso, pilotMonths: program.pilotMonths, summaryBy: program.summaryBy.iso)
        }
        return .ok(.init(body: .json(.init(items: items, nextCursor: next))))
    }

    func listPilotApplications(_ input: Operations.ListPilotApplications.Input) async throws
        -> Operations.ListPilotApplications.Output
    {
        let query = input.query
        let page = try PageRequest(limit: query.limit, cursor: query.cursor)
        let program = try query.program.map { try APIInput.id($0, "program", "a pilot program id") }
        let status = try query.status.map { text in
            guard let status = ApplicationStatus(text: text) else {
                throw APIProblem.badParameter("status", "unknown state; use one of \(ApplicationStatus.acceptedValues)")
            }
            return status
        }
        let province = query.province
        let all = try await APIHandlers.transaction { db in
            try PilotApplications(db: db).list(programID: program, province: province, status: status)
        }
        let (applications, next) = page.slice(all)
        return .ok(.init(body: .json(.init(items: applications.map(PilotJSON.application), nextCursor: next))))
    }

    func getPilotApplication(_ input: Operations.GetPilotApplication.Input) async throws
        -> Operations.GetPilotApplication.Output
    {
        let id = try APIInput.id(input.path.id, "id", "a pilot application id")
        return .ok(.init(body: .json(try await APIHandlers.transaction { db in try PilotJSON.withHistory(db, id) })))
    }

    func advancePilotApplication(_ input: Operations.AdvancePilotApplication.Input) async throws
        -> Operations.AdvancePilotApplication.Output
    {
        guard case .json(let body) = input.body else { throw APIProblem.badParameter("to", "is needed") }
        let id = try APIInput.id(input.path.id, "id", "a pilot application id")
        guard let status = ApplicationStatus(text: body.to) else {
            throw APIProblem.badParameter("to", "unknown state; use one of \(ApplicationStatus.acceptedValues)")
        }
        let answer = try await APIHandlers.transaction { db in
            // As `esw pilot advance`: an application outside the scope is not found, another role is
            // refused by the database (42501), a move application_transition lacks is a conflict.
            _ = try PilotJSON.withHistory(db, id)
            try PilotApplications(db: db).advance(applicationID: id, to: status, on: .today(), note: body.note)
            return try PilotJSON.withHistory(db, id)
        }
        return .ok(.init(body: .json(answer)))
    }
}

/// The API's shapes of the pilot applications.
enum PilotJSON {
    static func application(_ application: PilotApplication) -> Components.Schemas.PilotApplication {
        .init(
            id: Int64(application.id), programId: Int64(application.programID), applicant: application.applicant,
            province: application.province, status: .init(application.status),
            submittedOn: application.submittedOn.iso, late: application.late)
    }

    /// The application of the caller's scope with this id, and its history; not found otherwise.
    static func withHistory(_ db: Connection, _ id: Int) throws -> Components.Schemas.PilotApplicationWithHistory {
        let applications = PilotApplications(db: db)
        guard let application = try applications.list().first(where: { $0.id == id }) else {
            throw WorkforceError.notFound("no pilot application of your scope has id \(id)")
        }
        let history = try applications.history(applicationID: id).map { event in
            Components.Schemas.PilotApplicationWithHistory.HistoryPayloadPayload(
                from: event.from.flatMap(ApplicationStatus.init(rawValue:)).map(
                    Components.Schemas.ApplicationStatus.init),
                to: ApplicationStatus(rawValue: event.to).map(Components.Schemas.ApplicationStatus.init) ?? .submitted,
                on: event.on.iso, actor: event.actor, note: event.note)
        }
        return .init(application: PilotJSON.application(application), history: history)
    }
}

extension Components.Schemas.ApplicationStatus {
    init(_ status: ApplicationStatus) {
        switch status {
        case .submitted: self = .submitted
        case .approved: self = .approved
        case .rejected: self = .rejected
        case .inPilot: self = .inPilot
        case .summarized: self = .summarized
        case .designatedDemonstration: self = .designatedDemonstration
        case .closed: self = .closed
        }
    }
}
