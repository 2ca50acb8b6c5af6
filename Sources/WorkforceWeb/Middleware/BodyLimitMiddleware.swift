import HTTPTypes
public import Hummingbird
import NIOCore

/// Refuses request bodies over the limit with 413: at once when Content-Length says so, else
/// while the body streams in (a chunked upload is counted as it is read, and reading stops at the
/// first byte over). Covers every route, the API's streamed bodies included.
public struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    public init(limit: Int) {
        self.limit = limit
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw HTTPError(.contentTooLarge)
        }
        var request = request
        request.body = RequestBody(asyncSequence: CountedBody(base: request.body, limit: limit))
        return try await next(request, context)
    }
}

/// A request body that throws 413 once more than `limit` bytes have come.
struct CountedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        var count = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            count += chunk.readableBytes
            if count > limit { throw HTTPError(.contentTooLarge) }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), limit: limit)
    }
}
