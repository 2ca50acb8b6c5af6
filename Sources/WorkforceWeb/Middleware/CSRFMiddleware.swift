import Crypto
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
public import Workforce

/// The CSRF tokens of one server: an HMAC-SHA256 of the session token under a key made at start,
/// so the server keeps nothing per session, and a restart (a new key) only asks open forms to be
/// sent again.
public struct CSRFKey: Sendable {
    /// The key's bytes (swift-crypto's SymmetricKey is not Sendable).
    let secret: [UInt8]

    public init() {
        secret = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// The token the forms of `session` carry, in hex.
    public func token(for session: SessionToken) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(session.textForClient.utf8), using: SymmetricKey(data: secret))
            .map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `presented` is the token of `session` (compared in constant time).
    public func accepts(_ presented: String, for session: SessionToken) -> Bool {
        let expected = Array(token(for: session).utf8)
        let given = Array(presented.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0 as UInt8) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Refuses with 403 every POST, PUT, PATCH or DELETE that authenticates by the session cookie
/// and does not carry the session's CSRF token, as the form field `_csrf` (a form post) or the
/// header `X-CSRF-Token`. Bearer requests are exempt: no other site can make a browser send them.
/// A request with no session acts as nobody and needs no token.
public struct CSRFMiddleware: RouterMiddleware {
    public typealias Context = WebContext
    public static let fieldName = "_csrf"
    public static let headerName = HTTPField.Name("X-CSRF-Token")!

    let key: CSRFKey
    let bodyLimit: Int

    public init(key: CSRFKey, bodyLimit: Int) {
        self.key = key
        self.bodyLimit = bodyLimit
    }

    public func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        var context = context
        if let session = context.session, session.carrier == .cookie {
            context.csrfToken = key.token(for: session.token)
        }
        let unsafeMethods: [HTTPRequest.Method] = [.post, .put, .patch, .delete]
        guard unsafeMethods.contains(request.method),
            let session = context.session, session.carrier == .cookie
        else { return try await next(request, context) }
        var request = request
        var presented = request.headers[Self.headerName]
        if presented == nil, FormFields.isForm(request) {
            // Collected once here; the handler reads the same bytes again.
            let body = try await request.collectBody(upTo: bodyLimit)
            presented = FormFields(urlEncoded: String(buffer: body)).raw(Self.fieldName)
        } else if presented == nil, let type = request.headers[.contentType],
            type.lowercased().hasPrefix("multipart/form-data")
        {
            // An upload page's form: its hidden _csrf field is a part of the body.
            let body = try await request.collectBody(upTo: bodyLimit)
            presented = MultipartForm(body: body, contentType: type)?.fields.raw(Self.fieldName)
        }
        guard let presented, key.accepts(presented, for: session.token) else { throw HTTPError(.forbidden) }
        return try await next(request, context)
    }
}
