public import Hummingbird
public import Logging
public import NIOCore

/// The request context of every route of `esw serve`: Hummingbird's core context and the
/// session the request presented (set by ``SessionMiddleware``).
public struct WebContext: RequestContext, PageRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address, for per-address limits; nil in router tests.
    public let remoteAddress: SocketAddress?
    /// The session token the request presented and how; nil when it presented none.
    public var session: PresentedSession?
    /// The CSRF token the forms of a page must post back (set by ``CSRFMiddleware`` for a cookie
    /// session); nil without one.
    public var csrfToken: String?
    /// What handlers tell the access log (the user's name), shared by reference with the
    /// middleware that logs after the handler has returned.
    public let notes: RequestNotes

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        notes = RequestNotes()
    }

    /// The body limit is ``BodyLimitMiddleware``'s; this only lets `collectBody` read up to it.
    public var maxUploadSize: Int { .max }

    /// The request id Hummingbird put in the logger's metadata ("-" when there is none).
    var requestID: String { logger[metadataKey: "hb.request.id"]?.description ?? "-" }
}
