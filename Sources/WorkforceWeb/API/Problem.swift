import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime
import PostgresClient
import Workforce
import WorkforceOutput

/// The kinds of problem the API answers with (RFC 9457), each with a stable `type` URI,
/// https://esw.example/problems/<kind>, its status and its title (docs/api.md lists them).
enum ProblemKind: String, CaseIterable, Sendable {
    case badRequest = "bad-request"
    case rowsRejected = "rows-rejected"
    case unauthorized
    case forbidden
    case notFound = "not-found"
    case conflict
    case tooLarge = "too-large"
    case ruleViolation = "rule-violation"
    case unavailable
    case serverError = "server-error"

    static let base = "https://esw.example/problems/"

    var type: String { ProblemKind.base + rawValue }

    var status: HTTPResponse.Status {
        switch self {
        case .badRequest, .rowsRejected: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .ruleViolation: .unprocessableContent
        case .unavailable: .serviceUnavailable
        case .serverError: .internalServerError
        }
    }

    var title: String {
        switch self {
        case .badRequest: "Bad request"
        case .rowsRejected: "The upload has bad rows; nothing was imported"
        case .unauthorized: "Not signed in"
        case .forbidden: "Not allowed for your role"
        case .notFound: "Not found"
        case .conflict: "Conflict"
        case .tooLarge: "Too large"
        case .ruleViolation: "Refused by a rule"
        case .unavailable: "Service unavailable"
        case .serverError: "Server error"
        }
    }
}

/// A refusal the API itself makes (the domain's come as ``WorkforceError`` and the like).
struct APIProblem: Error, Sendable {
    let kind: ProblemKind
    let detail: String
    var field: String?

    static let unauthorized = APIProblem(
        kind: .unauthorized,
        detail: "sign in (the esw_session cookie) or send a bearer token (Authorization: Bearer …); "
            + "a session or token that has ended counts as none")

    /// A query, path or body parameter that is not acceptable, named by its key.
    static func badParameter(_ field: String, _ reason: String) -> APIProblem {
        APIProblem(kind: .badRequest, detail: "\(field): \(reason)", field: field)
    }
}

/// A problem details document: what every error of the API answers with.
struct Problem: Sendable {
    var kind: ProblemKind
    var detail: String
    var field: String?
    var rows: [Components.Schemas.RowProblem]?

    init(_ kind: ProblemKind, _ detail: String, field: String? = nil, rows: [Components.Schemas.RowProblem]? = nil) {
        self.kind = kind
        self.detail = detail
        self.field = field
        self.rows = rows
    }

    var document: Components.Schemas.Problem {
        .init(
            _type: kind.type, title: kind.title, status: Int(kind.status.code), detail: detail, field: field,
            errors: rows)
    }

    /// The response: application/problem+json, never cached.
    func response() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(document)) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json", .cacheControl: "no-store"]
        if kind == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: kind.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension Problem {
    /// The problem an error thrown by a handler (or by the generated code around it) stands for.
    /// Nothing of it quotes SQL, a bound value or a stack; a refused value is quoted only as the CLI
    /// quotes it (at most 60 characters, an ID number masked). Unexpected errors are logged, by
    /// type and SQLSTATE only, and answered with a 500 that says nothing more.
    init(for thrown: any Error, logger: Logger) {
        var error = thrown
        if let serverError = error as? ServerError { error = serverError.underlyingError }
        switch error {
        case let problem as APIProblem:
            self.init(problem.kind, problem.detail, field: problem.field)
        case let rejected as ImportRejected:
            self.init(
                .rowsRejected,
                "\(rejected.badLines) of \(rejected.read) rows are invalid; nothing was imported. "
                    + "Fix these rows and upload the file again.",
                rows: rejected.errors.map { row in
                    .init(
                        line: row.line, column: row.column, value: quotedValue(row.value),
                        reason: APIWords.text(row.reason))
                })
        case let tooMany as ImportTooManyRows:
            self.init(.badRequest, "file: \(tooMany); nothing was imported", field: "file")
        case let spreadsheet as SpreadsheetError:
            // Its path is the server's temporary file: say "the file".
            self.init(.badRequest, "file: \(spreadsheet.reason)", field: "file")
        case let refusal as WorkforceError:
            switch refusal {
            case .invalid(let field, _, _):
                self.init(.badRequest, APIWords.message(refusal), field: field.rawValue)
            case .notFound: self.init(.notFound, APIWords.message(refusal))
            case .conflict: self.init(.conflict, APIWords.message(refusal))
            case .refused: self.init(.ruleViolation, APIWords.message(refusal))
            }
        case is PoolExhausted, is PoolClosed:
            self.init(.unavailable, "the server is busy (no database connection came free in time); try again")
        case is ConcurrentChange:
            self.init(.conflict, "concurrent imports kept changing the same rows; nothing was written; try again")
        case let decoding as DecodingError:
            let field = Problem.path(of: decoding)
            self.init(
                .badRequest,
                "the body does not match the API description (/api/v1/openapi.json)"
                    + (field.map { " at \($0)" } ?? ""), field: field)
        case let database as PostgresError:
            self.init(database: database, logger: logger)
        case let http as any HTTPResponseError:
            let kind = ProblemKind.allCases.first { $0.status == http.status && $0 != .rowsRejected }
            self.init(kind ?? .badRequest, http.status.reasonPhrase)
        case let convertible as any HTTPResponseConvertible where convertible.httpStatus.kind == .clientError:
            // OpenAPIRuntime's refusals of a request that does not match the document: a missing
            // parameter, a value that does not decode, a wrong content type.
            self.init(
                .badRequest,
                "a parameter or the body does not match the API description (/api/v1/openapi.json)")
        default:
            logger.error("api: unexpected error", metadata: ["error.type": "\(type(of: error))"])
            self.init(.serverError, "the server failed; the request's transaction was rolled back")
        }
    }

    private init(database error: PostgresError, logger: Logger) {
        switch error.sqlState {
        case .insufficientPrivilege?:
            self.init(.forbidden, "your role may not do this (docs/access.md)")
        case .uniqueViolation?:
            self.init(.conflict, "another request wrote the same key at the same time; nothing was written; try again")
        case .queryCanceled?:
            self.init(.unavailable, "the request took longer than the server's statement timeout; it was rolled back")
        case let state? where RetryPolicy.isTransient(error):
            self.init(
                .unavailable, "concurrent requests conflicted (SQLSTATE \(state)); nothing was written; try again")
        case let state? where state.errorClass == SQLState.integrityConstraintViolation.errorClass:
            self.init(.ruleViolation, "the database refused the data (\(error.constraint ?? "SQLSTATE \(state)"))")
        case let state? where state.errorClass == SQLState.dataException.errorClass:
            self.init(.badRequest, "the database refused a value (SQLSTATE \(state))")
        default:
            if error.kind == .connection || error.isLostConnection {
                self.init(.unavailable, "the database cannot be reached; try again")
            } else {
                logger.error(
                    "api: database error", metadata: ["sqlstate": "\(error.sqlState.map { "\($0)" } ?? "none")"])
                self.init(.serverError, "the server failed; the request's transaction was rolled back")
            }
        }
    }

    /// The member of the body a decoding error is about, as a JSON pointer (/id_number).
    private static func path(of error: DecodingError) -> String? {
        let context: DecodingError.Context? =
            switch error {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                context
            case .keyNotFound(let key, let context):
                DecodingError.Context(codingPath: context.codingPath + [key], debugDescription: "")
            @unknown default: nil
            }
        guard let path = context?.codingPath, !path.isEmpty else { return nil }
        return "/" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
    }
}

/// Answers every error of the API's routes with problem details (``Problem``); for any
/// Hummingbird request context.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return Problem(for: error, logger: context.logger).response()
        }
    }
}

/// How the API names the domain's fields and remedies: a field by its key (the parameter or body
/// member), a remedy by the request or command that does it.
enum APIWords {
    static func remedy(_ remedy: Remedy) -> String {
        switch remedy {
        case .listEnterprises: "GET /api/v1/enterprises"
        default: remedy.eswCommand
        }
    }

    static func text(_ reason: Reason) -> String { reason.rendered(field: \.rawValue, remedy: remedy) }

    static func message(_ error: WorkforceError) -> String {
        error.message(field: \.rawValue, remedy: remedy, value: quotedValue)
    }
}
