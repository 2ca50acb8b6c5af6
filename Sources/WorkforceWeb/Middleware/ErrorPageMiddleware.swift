import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
import PostgresClient
import Workforce
import WorkforceOutput

/// Turns every error a request ends in into a response that says nothing of its input: a Chinese
/// error page (400, 403, 404, 405, 409, 413, 503, or 500 without stack or SQL), or for /api/ a
/// bare problem+json of the status. Database errors that mean "busy" (no connection came free in
/// time, the pool is closed for shutdown, a statement timeout) answer 503. Unexpected errors are
/// logged with their type and the request id, never their text, which may hold values.
public struct ErrorPageMiddleware: RouterMiddleware {
    public typealias Context = WebContext
    let logger: Logger
    let bodyLimitBytes: Int

    public init(logger: Logger, bodyLimitBytes: Int) {
        self.logger = logger
        self.bodyLimitBytes = bodyLimitBytes
    }

    public func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let status = status(of: error)
            if status == .internalServerError || status == .serviceUnavailable {
                logger.error(
                    "request failed",
                    metadata: [
                        "error_type": .string(String(reflecting: type(of: error))),
                        "request_id": .string(context.requestID),
                    ])
            }
            if request.uri.path.hasPrefix("/api/") { return Self.problem(status) }
            let (title, message) = words(for: status)
            var response = Pages.html(
                WebForms.error(
                    frame: WebFrame(user: nil, navigation: [], currentPath: "", csrfToken: nil), title: title,
                    message: message),
                status: status)
            if status == .serviceUnavailable { response.headers[.retryAfter] = "5" }
            return response
        }
    }

    func status(of error: any Error) -> HTTPResponse.Status {
        switch error {
        case let error as any HTTPResponseError: return error.status
        case is PoolExhausted, is PoolClosed: return .serviceUnavailable
        case let error as PostgresError where error.sqlState == .queryCanceled: return .serviceUnavailable
        case let error as WorkforceError:
            switch error {
            case .invalid: return .badRequest
            case .notFound: return .notFound
            case .refused: return .unprocessableContent
            case .conflict: return .conflict
            }
        default: return .internalServerError
        }
    }

    func words(for status: HTTPResponse.Status) -> (title: String, message: String) {
        switch status.code {
        case 400: ("请求无效", "请求的内容无法处理。请返回上一页检查后重试。")
        case 401, 403: ("无权访问", "您无权进行此操作，或页面已过期。请返回上一页，刷新后重试。")
        case 404: ("页面不存在", "找不到您要访问的页面，或它不在您的权限范围内。")
        case 405: ("请求方式不支持", "此页面不支持这种请求方式。")
        case 409: ("数据冲突", "数据已存在或已被他人修改。请刷新后重试。")
        case 413: ("内容过大", "提交的内容超过 \(bodyLimitBytes / (1024 * 1024)) MB 的上限。")
        case 503: ("服务繁忙", "服务器暂时繁忙，请稍后重试。")
        case 400..<500: ("请求无效", "请求无法处理。请返回上一页重试。")
        default: ("服务器错误", "服务器出现内部错误，已记录。请稍后重试。")
        }
    }

    /// RFC 9457 problem details with only the status (the API's own handlers say more).
    static func problem(_ status: HTTPResponse.Status) -> Response {
        let body = "{\"type\":\"about:blank\",\"title\":\"\(status.reasonPhrase)\",\"status\":\(status.code)}"
        return Response(
            status: status, headers: [.contentType: "application/problem+json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
