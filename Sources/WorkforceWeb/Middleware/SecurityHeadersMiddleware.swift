import HTTPTypes
public import Hummingbird

/// Sets the security headers on every response, error pages included: a Content-Security-Policy
/// that allows only this server's own files (no inline script or style anywhere, no framing, forms
/// post only here, no <base>), no MIME sniffing, and the referrer only within this site.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var contentSecurityPolicy: String {
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return response
    }
}
