import CalendarDates
import Workforce
import WorkforceOutput

extension APIHandlers {
    func listExamSessions(_ input: Operations.ListExamSessions.Input) async throws
        -> Operations.ListExamSessions.Output
    {
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let all = try await APIHandlers.transaction { db in try ExamSessions(db: db).list() }
        let (sessions, next) = page.slice(all)
        let items = sessions.map { session in
            Components.Schemas.ExamSession(
                id: Int64(session.id), year: session.year, level: .init(session.level),
                examDate: session.examDate.iso, registered: session.registrations, windows: session.windows)
        }
        return .ok(.init(body: .json(.init(items: items, nextCursor: next))))
    }

    func listExamRegistrations(_ input: Operations.ListExamRegistrations.Input) async throws
        -> Operations.ListExamRegistrations.Output
    {
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let session = try APIHandlers.sessionID(input.path.id)
        let (registrations, whole) = try await APIHandlers.transaction { db in
            let registrations = try ExamRegistrations(db: db).list(
                sessionID: session, limit: page.fetchLimit, offset: page.offset)
            return (registrations, try Persons(db: db).seesWholeIDNumbers())
        }
        let items = registrations.prefix(page.limit).map { registration in
            Components.Schemas.ExamRegistration(
                idNumber: shownIDNumber(registration.idNumber, whole: whole), name: registration.name,
                enterpriseUscc: registration.enterpriseUSCC, enterprise: registration.enterpriseName,
                subjects: registration.subjects.map(Components.Schemas.ExamSubject.init),
                registeredOn: registration.registeredOn.iso, eligibilityUnverified: registration.eligibilityUnverified)
        }
        return .ok(.init(body: .json(.init(items: items, nextCursor: page.nextCursor(fetched: registrations.count)))))
    }

    func registerForExam(_ input: Operations.RegisterForExam.Input) async throws -> Operations.RegisterForExam.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badParameter("id_number", "is needed") }
        let session = try APIHandlers.sessionID(input.path.id)
        let subjects = body.subjects.map { $0.map(\.domain) }
        let today = CalendarDate.today()
        let registered = try await APIHandlers.transaction { db in
            // A person outside the scope is not found, in the same words whether on record elsewhere or not.
            if let id = Codes.checkIDNumber(body.idNumber, today: today).normalized {
                try Persons(db: db).requireInScope(idNumber: id)
            }
            return try ExamRegistrations(db: db).register(
                sessionID: session, idNumber: body.idNumber, subjects: subjects, on: today, today: today)
        }
        return .created(
            .init(
                body: .json(
                    .init(
                        subjects: registered.subjects.map(Components.Schemas.ExamSubject.init),
                        eligibilityVerified: registered.eligibilityVerified))))
    }

    func listExamResults(_ input: Operations.ListExamResults.Input) async throws -> Operations.ListExamResults.Output {
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let session = try APIHandlers.sessionID(input.path.id)
        let (all, whole) = try await APIHandlers.transaction { db in
            // As `esw exam results --session ID`; an unknown session is not found.
            _ = try ExamSessions(db: db).session(session)
            let results = try ExamResults(db: db).results(sessionID: session, today: .today())
            return (results, try Persons(db: db).seesWholeIDNumbers())
        }
        let (results, next) = page.slice(all)
        let items = results.map { result in
            Components.Schemas.ExamResult(
                idNumber: shownIDNumber(result.idNumber, whole: whole), name: result.name, level: .init(result.level),
                passed: result.passed, passedYear: result.passedYear,
                scope: result.scope.flatMap(Components.Schemas.ExamResult.ScopePayload.init(rawValue:)),
                subjects: result.subjects.map { attempt in
                    .init(
                        subject: .init(attempt.subject), year: attempt.year, score: Double(attempt.score) ?? 0,
                        passed: attempt.passed)
                },
                remaining: result.remaining.map(Components.Schemas.ExamSubject.init),
                earlierPassesValidThrough: result.earlierPassesValidThrough,
                passValidThrough: result.passValidThrough)
        }
        return .ok(.init(body: .json(.init(items: items, nextCursor: next))))
    }

    private static func sessionID(_ id: Int64) throws -> Int { try APIInput.id(id, "id", "an exam session id") }
}

extension Components.Schemas.ExamSubject {
    init(_ subject: ExamSubject) {
        switch subject {
        case .comprehensive: self = .comprehensive
        case .practice: self = .practice
        case .regulations: self = .regulations
        }
    }

    var domain: ExamSubject {
        switch self {
        case .comprehensive: .comprehensive
        case .practice: .practice
        case .regulations: .regulations
        }
    }
}

extension Components.Schemas.CertificateLevel {
    init(_ level: CertificateLevel) {
        switch level {
        case .junior: self = .junior
        case .intermediate: self = .intermediate
        case .senior: self = .senior
        }
    }
}
