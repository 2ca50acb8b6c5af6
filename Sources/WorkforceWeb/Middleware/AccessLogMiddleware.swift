import Foundation
public import Hummingbird
public import Logging

/// One log line per request, after its response: method, path (never the query string, which
/// may carry search terms or ID numbers, and with any run of 15 or more digits in it masked, as
/// an ID number in a path would be), status, duration in milliseconds, the esw user and the
/// request id. Never a header, so never a cookie, token or password.
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = WebContext
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        func log(_ status: HTTPResponse.Status) {
            let elapsed = ContinuousClock.now - started
            let milliseconds =
                Double(elapsed.components.seconds) * 1000
                + Double(elapsed.components.attoseconds) / 1e15
            logger.info(
                "request",
                metadata: [
                    "method": .string(request.method.rawValue), "path": .string(Self.masked(request.uri.path)),
                    "status": .stringConvertible(status.code),
                    "duration_ms": .string(String(format: "%.1f", milliseconds)),
                    "user": .string(context.notes.userName ?? "-"), "request_id": .string(context.requestID),
                ])
        }
        do {
            let response = try await next(request, context)
            log(response.status)
            return response
        } catch let error as any HTTPResponseError {
            log(error.status)
            throw error
        } catch {
            log(.internalServerError)
            throw error
        }
    }

    /// `path` with every run of 15 or more digits (an ID number, with its check character X
    /// too) replaced by asterisks of the same length.
    static func masked(_ path: String) -> String {
        var output = "", run = ""
        func flush() {
            let isIDNumber = run.count >= 15 && run.dropLast().allSatisfy(\.isASCIIDigit)
            output += isIDNumber ? String(repeating: "*", count: run.count) : run
            run = ""
        }
        for character in path {
            if character.isASCIIDigit || ((character == "X" || character == "x") && run.count >= 14) {
                run.append(character)
                if !character.isASCIIDigit { flush() }
            } else {
                flush()
                output.append(character)
            }
        }
        flush()
        return output
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
