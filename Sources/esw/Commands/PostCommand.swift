import ArgumentParser
import CalendarDates
import Foundation
import PostgresClient
import Workforce
import WorkforceOutput

struct PostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "post", abstract: "Social-work posts developed (岗位开发).",
        subcommands: [Add.self, List.self])

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
}
