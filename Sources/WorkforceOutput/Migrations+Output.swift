public import PostgresClient

extension Listing {
    /// Each migration with its state (applied, pending, edited, unknown) and when it was applied.
    public static func migrations(_ statuses: [MigrationStatus]) -> Listing {
        let rows = statuses.map { [$0.name, $0.state.rawValue, $0.appliedAt ?? ""] }
        return Listing(headers: ["migration", "state", "applied at"], rows: rows) {
            .array(
                statuses.map { status in
                    .object([
                        ("migration", .string(status.name)), ("state", .string(status.state.rawValue)),
                        ("applied_at", .optional(status.appliedAt)),
                    ])
                })
        }
    }
}
