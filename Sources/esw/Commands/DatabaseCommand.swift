import ArgumentParser
import CalendarDates
import PostgresClient
import Workforce
import WorkforceOutput

struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Create or upgrade the database schema, show where it stands, and check what it keeps.",
        subcommands: [Migrate.self, Status.self, Check.self]
    )

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the pending schema migrations carried by this esw.",
            discussion: """
                Applies the numbered SQL files of sql/ (built into esw) in order, each in its own \
                transaction, and records each in schema_migrations with its checksum. Running it \
                again changes nothing. It refuses, naming the file and changing nothing, when an \
                applied migration was edited, when the database has a migration this esw does not \
                know, or when a new file sorts before an applied one (exit 1). Rows stored \
                earlier that break a rule a migration adds (a length limit, an impossible date, an \
                unknown region code; docs/limits.md) are kept and counted in a warning; new and \
                changed rows are checked.

                Example:
                  esw db migrate --database-url postgres://localhost/esw
                """)

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let db = try database.connect(checkingSchema: false)
                let applied = try Schema.runner.migrate(db)
                if applied.isEmpty {
                    say("schema is up to date (\(Schema.migrations.count) migrations applied)")
                } else {
                    for name in applied { say("applied \(name)") }
                    for exception in try Schema.guardExceptions(db) {
                        printError(
                            """
                            warning: \(exception.rows) \(exception.table) rows stored before this version break \
                            \(exception.rule) (see docs/limits.md); they are kept, and new or changed rows are checked
                            """)
                    }
                }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List applied and pending migrations.",
            discussion: """
                States: applied, pending, edited (changed since it was applied), unknown (applied by another esw).

                Example:
                  esw db status --database-url postgresql://esw@db.example.internal/esw
                """)

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                emit(
                    Listing.migrations(try Schema.runner.status(try database.connect(checkingSchema: false))).rendered(
                        as: .table))
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the maintained ratio figure and compare it with what is stored.",
            discussion: """
                The database keeps each enterprise's ratio counts (by department and level) for \
                today and the last month end (and, once asked, today's registered-only \
                counts; sql/0021, docs/scaling.md). \
                This recomputes every held day with the ratio functions and prints each \
                difference: the day, the counting mode, the enterprise's USCC, the department and \
                both values (counts only, never a person). Exits 0 when everything matches, 3 when \
                anything differs (the figure is then wrong: report it), 1 when the database fails. \
                It reads only; run it on the primary, as the owner or a user who sees the country.

                Example:
                  esw db check --database-url postgres://localhost/esw
                """)

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let service = RatioService(db: try database.connect())
                let days = try service.heldDays()
                let differences = try service.storedCountDifferences()
                for difference in differences {
                    let mode = difference.registeredOnly ? "registered only" : "all certificates"
                    let department = difference.department.map { " \($0.rawValue)" } ?? ""
                    say(
                        """
                        ratio figure differs: \(difference.asOf.iso) (\(mode)) enterprise \(difference.enterprise)\
                        \(department): stored \(difference.stored ?? "nothing"), \
                        computed \(difference.computed ?? "nothing")
                        """)
                }
                if !differences.isEmpty {
                    printError(
                        "\(differences.count) differences between the maintained ratio figure and the ratio functions")
                    throw ExitStatus.invalidInput
                }
                say("the maintained ratio figure matches the ratio functions on \(days.count) held days")
            }
        }
    }
}
