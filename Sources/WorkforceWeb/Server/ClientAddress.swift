import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The address a request came from, for login throttling: the peer's, or behind a reverse proxy
/// on this machine (``WebConfiguration/behindProxy``) the last `X-Forwarded-For` entry, the one
/// the proxy itself added (earlier entries are whatever the client sent).
enum ClientAddress {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    static func of(_ request: Request, context: WebContext, behindProxy: Bool) -> String? {
        let peer = context.remoteAddress?.ipAddress
        if behindProxy, let peer, isLoopback(peer), let forwarded = request.headers[forwardedFor],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty,
            last.count <= 45, last.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" })
        {
            return last
        }
        return peer
    }

    static func isLoopback(_ address: String) -> Bool {
        address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }
}
