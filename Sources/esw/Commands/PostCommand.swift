import ArgumentParser
import CalendarDates
import Foundation
import PostgresClient
import Workforce
import WorkforceOutput

struct PostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "post", abstract: "Social-work posts developed (岗位开发).",
        subcommands: [Add.self, List.self, Amend.self, Delete.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List posts, by enterprise or region and by the date they were created.",
            discussion:
                """
                ID numbers of the people filling posts are masked (first 6 and last 4 characters) unless \
                --include-id-numbers.

                Example:
                  esw post list --region 440300
                """
        )
        @OptionGroup var list: WorkAreaListOptions
        @Flag(help: "Show whole ID numbers.") var includeIDNumbers = false
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let db = try database.connect()
                let posts = try Posts(db: db).list(try list.filter(db))
                emit(
                    Listing.posts(posts, includeIDNumbers: includeIDNumbers).rendered(
                        as: list.format, language: list.lang.language))
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a post; prints its id.",
            discussion: """
                Example:
                  esw post add --enterprise 91440305200000195U --department union \\
                      --title 企业社会工作专员 --created-on 2013-08-01
                """)
        @Option(help: "The enterprise (USCC).") var enterprise: String
        @Option(help: "The department kind.") var department: Department
        @Option(help: "The post's title.") var title: String
        @Option(help: "Who fills it (resident ID number).") var filledBy: String?
        @Option(help: "When it was created (default today).") var createdOn: CalendarDate?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                say(
                    try Posts(db: try database.connect()).add(
                        enterpriseUSCC: enterprise, department: department, title: title, filledBy: filledBy,
                        createdOn: createdOn ?? .today(), today: .today()))
            }
        }
    }

    struct Amend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a post's department, title, creation date or holder, with a reason.",
            discussion: """
                Prints each changed field, on record → corrected (the holder by masked ID number); the \
                audit trail (esw audit --table social_work_post) keeps both and the reason. Only the \
                options given change; --vacant records that nobody fills it.

                Bad input (no such post in your scope, an empty title or reason, a date before \
                1949-10-01, an ID number of no person in your scope, --filled-by with --vacant) is \
                refused with the reason and exit 3; nothing changes. A role that may only read posts is \
                refused with exit 1.

                Example:
                  esw post amend --id 2 --title 员工关怀社会工作者 --reason "岗位名称按聘任文件更正"
                """)
        @OptionGroup var correction: CorrectionOptions
        @Option(help: "The department kind.") var department: Department?
        @Option(help: "The post's title.") var title: String?
        @Option(help: "When it was created.") var createdOn: CalendarDate?
        @Option(help: "Who fills it (resident ID number).") var filledBy: String?
        @Flag(help: "Nobody fills it.") var vacant = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                sayChanges(
                    "post \(correction.id)",
                    try Posts(db: try database.connect()).amend(
                        id: correction.id, department: department, title: title, createdOn: createdOn,
                        filledBy: filledBy, vacate: vacant, reason: correction.reason, today: .today()))
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a post recorded by mistake, with a reason.",
            discussion: """
                The audit trail (esw audit --table social_work_post) keeps the deleted row and the \
                reason. Exit 3 when no post has the id in your scope or the reason is empty; nothing is \
                deleted. A role that may only read posts is refused with exit 1.

                Example:
                  esw post delete --id 2 --reason "误录，该岗位未设立"
                """)
        @OptionGroup var correction: CorrectionOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                try Posts(db: try database.connect()).delete(id: correction.id, reason: correction.reason)
                say("deleted post \(correction.id)")
            }
        }
    }
}
