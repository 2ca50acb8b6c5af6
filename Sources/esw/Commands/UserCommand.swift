import ArgumentParser
import Foundation
import Workforce
import WorkforceOutput

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "esw users: each has one role and one scope, which PostgreSQL enforces (docs/access.md).",
        discussion: """
            Roles: enterprise_coordinator and enterprise_hr (scope: an enterprise's USCC), \
            region_coordinator (a city or county code), provincial_bureau (a province code), ministry \
            and admin (no scope: the country). Adding, listing, disabling and resetting users takes an \
            admin (--user) or the database role that owns the tables (no --user); so does issuing, \
            listing and revoking API tokens (token, tokens, revoke-token).
            """,
        subcommands: [
            Add.self, List.self, Disable.self, ResetPassword.self, SetPassword.self, Token.self, Tokens.self,
            RevokeToken.self,
        ])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; prints their one-time password, alone, on standard output.",
            discussion: """
                The one-time password (20 characters) is shown once: only its bcrypt hash is kept. It \
                is accepted for 7 days, until the user sets their own (esw user set-password).

                Refused with the reason and exit 3 when the name is taken or not letters, digits and \
                . _ @ -, or the scope does not fit the role (a USCC for the enterprise roles, a city or \
                county code for region_coordinator, a province code for provincial_bureau, none for \
                ministry and admin); nothing is added.

                Example:
                  esw user add --name sz-coordinator --role enterprise_coordinator \\
                      --scope 91440300MA5XXXXXXX
                """)
        @Option(help: "The login name.") var name: String
        @Option(help: "The role (see esw user --help for what each may do).") var role: AccessRole
        @Option(help: "The USCC or region code the role applies to (none for ministry and admin).") var scope: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                print(try Users(db: try database.connect()).add(name: name, role: role, scope: scope))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List users (an admin sees all; any other user, themself). Never shows a password.",
            discussion: """
                Example:
                  esw user list --format csv
                """)
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                emit(Listing.users(try Users(db: try database.connect()).list()).rendered(as: format))
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user: their logins and open sessions stop working at once.",
            discussion: """
                An unknown name is refused with exit 3.

                Example:
                  esw user disable sz-coordinator
                """)
        @Argument(help: "The user's name.") var name: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                try Users(db: try database.connect()).disable(name: name)
                say("disabled")
            }
        }
    }

    struct ResetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Give a user a new one-time password; prints it, alone, on standard output.",
            discussion: """
                An unknown name is refused with exit 3.

                Example:
                  esw user reset-password sz-coordinator
                """)
        @Argument(help: "The user's name.") var name: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                print(try Users(db: try database.connect()).resetPassword(name: name))
            }
        }
    }

    struct SetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Replace your own password (--user NAME; the current one from ESW_PASSWORD or a prompt).",
            discussion: """
                The new password comes from ESW_NEW_PASSWORD, else a prompt on a terminal, and needs at \
                least 12 characters (else exit 3). A wrong current password is refused with exit 1.

                Example:
                  esw user set-password --user sz-coordinator
                """)
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if database.user == nil && ProcessInfo.processInfo.environment["ESW_USER"] == nil {
                throw ValidationError("set-password needs --user NAME (or ESW_USER): whose password to replace")
            }
        }

        func run() throws {
            try reportingErrors {
                let environment = ProcessInfo.processInfo.environment
                let name = database.user ?? environment["ESW_USER"] ?? ""
                let current = try database.password(for: name, environment: environment)
                let new = try environment["ESW_NEW_PASSWORD"] ?? promptForSecret("New password: ")
                try Users(db: try database.connect()).setPassword(current: current, new: new)
                say("password set")
            }
        }
    }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an API bearer token for a user; prints it, alone, on standard output.",
            discussion: """
                The token is shown once: only its SHA-256 is kept. Sent as `Authorization: Bearer \
                TOKEN` to esw serve's JSON API, it acts as the user, as their login would, until it \
                expires (--days, 1 to 365), is revoked (esw user revoke-token) or the user is \
                disabled; it never expires for lack of use.

                An unknown name is refused with exit 3, as are --days out of range, a --label over \
                100 characters and a disabled user; a user other than an admin is refused with exit 1. \
                Nothing is issued then.

                Example:
                  esw user token sz-coordinator --days 30 \\
                      --label "HR system import"
                """)
        @Argument(help: "The user's name.") var name: String
        @Option(help: "Days until the token expires (1 to 365).") var days: Int = APITokens.defaultDays
        @Option(help: "What the token is for, shown by esw user tokens (at most 100 characters).") var label: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let issued = try APITokens(db: try database.connect()).issue(user: name, days: days, label: label)
                print(issued.token.textForClient)
            }
        }
    }

    struct Tokens: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a user's API tokens (id, label, created, expires, last used); never a token.",
            discussion: """
                Times are Beijing time; last use is to the minute. Expired tokens are listed (state \
                expired) until the next login removes them. An unknown name is refused with exit 3.

                Example:
                  esw user tokens sz-coordinator --format csv
                """)
        @Argument(help: "The user's name.") var name: String
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                emit(Listing.apiTokens(try APITokens(db: try database.connect()).list(user: name)).rendered(as: format))
            }
        }
    }

    struct RevokeToken: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-token",
            abstract: "Revoke a user's API token by its id (esw user tokens): it stops working at once.",
            discussion: """
                An unknown name, or an id that is not one of the user's tokens, is refused with exit 3; \
                a user other than an admin is refused with exit 1.

                Example:
                  esw user revoke-token sz-coordinator 3
                """)
        @Argument(help: "The user's name.") var name: String
        @Argument(help: "The token's id, as esw user tokens lists it.") var id: Int
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                try APITokens(db: try database.connect()).revoke(user: name, id: id)
                say("revoked")
            }
        }
    }
}
