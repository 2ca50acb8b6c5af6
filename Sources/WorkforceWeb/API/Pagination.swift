import Foundation

/// A page of a list: `limit` items (1 to 500, default 50) from where the opaque `cursor` says.
///
/// The cursor is the base64url of `o:<offset>` today; clients must treat it as opaque, so that it
/// can become a key (keyset pagination) without a change to the API.
struct PageRequest: Sendable {
    static let defaultLimit = 50
    static let maximumLimit = 500

    let limit: Int
    let offset: Int

    init(limit: Int?, cursor: String?) throws {
        let limit = limit ?? PageRequest.defaultLimit
        guard (1...PageRequest.maximumLimit).contains(limit) else {
            throw APIProblem.badParameter("limit", "must be from 1 to \(PageRequest.maximumLimit)")
        }
        self.limit = limit
        guard let cursor else {
            offset = 0
            return
        }
        guard let offset = PageRequest.offset(decoding: cursor) else {
            throw APIProblem.badParameter("cursor", "is not a cursor this API gave; start again without it")
        }
        self.offset = offset
    }

    /// The cursor of the page after this one, when `fetched` (at most `limit + 1` items asked for)
    /// shows that there is one.
    func nextCursor(fetched: Int) -> String? {
        fetched > limit ? PageRequest.cursor(offset: offset + limit) : nil
    }

    /// How many items to fetch from `offset` on: one more than the page shows, which tells
    /// whether another page follows.
    var fetchLimit: Int { limit + 1 }

    /// This page of what was fetched with ``fetchLimit`` from ``offset``: the items to show and
    /// the cursor of the next page, if there is one.
    func page<T>(ofFetched fetched: [T]) -> (items: [T], nextCursor: String?) {
        (Array(fetched.prefix(limit)), nextCursor(fetched: fetched.count))
    }

    /// This page of an array that holds the whole list.
    func slice<T>(_ all: [T]) -> (items: [T], nextCursor: String?) {
        let start = min(offset, all.count)
        let end = min(start + limit, all.count)
        return (Array(all[start..<end]), end < all.count ? PageRequest.cursor(offset: end) : nil)
    }

    static func cursor(offset: Int) -> String {
        Data("o:\(offset)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func offset(decoding cursor: String) -> Int? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("o:"), let offset = Int(text.dropFirst(2)), offset >= 0
        else { return nil }
        return offset
    }
}
