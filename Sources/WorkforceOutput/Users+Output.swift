public import Workforce

extension Listing {
    /// esw users: name, role, scope (USCC or region code; empty for the country), whether the
    /// password is still the one-time one, and whether the user is disabled. Never a password.
    public static func users(_ users: [AppUser]) -> Listing {
        let rows = users.map { user in
            [
                user.name, user.role.rawValue, user.scope ?? "", user.oneTimePassword ? "yes" : "no",
                user.disabled ? "yes" : "no",
            ]
        }
        return Listing(
            records: RecordTable(headers: ["name", "role", "scope", "one_time_password", "disabled"], rows: rows))
    }
}
