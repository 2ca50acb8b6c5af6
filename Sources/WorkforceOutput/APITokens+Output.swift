public import Workforce

extension Listing {
    /// A user's API tokens: id, label, when created, when it expires and when last used (Beijing
    /// time; last use to the minute, empty when never), and whether it is active or expired. Never
    /// the token.
    public static func apiTokens(_ tokens: [APIToken]) -> Listing {
        let rows = tokens.map { token in
            [
                String(token.id), token.label ?? "", token.created, token.expires, token.lastUsed ?? "",
                token.expired ? "expired" : "active",
            ]
        }
        return Listing(
            records: RecordTable(headers: ["id", "label", "created", "expires", "last_used", "state"], rows: rows),
            numeric: [0])
    }
}
