import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Import staff rosters, record leavers, correct names, and list the staff.",
        subcommands: [Import.self, Leave.self, Rename.self, Names.self, List.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a staff roster from a CSV file (Excel or WPS export).",
            discussion: """
                One row per person, enterprise and department. Columns, in any order, with English \
                or Chinese headers:
                enterprise_uscc (统一社会信用代码), id_number (身份证号 or 公民身份号码), \
                name (姓名), \
                department (部门), hired_on (入职日期, optional), left_on (离职日期, optional). \
                Departments: party 党组织, union 工会, youth_league 共青团, womens_federation 妇联, \
                human_resources 人力资源部门, social_org 社会组织. Dates: 2013-06-01, 2013/6/1 or \
                2013年6月1日. UTF-8 (with or without BOM) or GB18030/GBK is detected. Optional columns \
                for the exam's eligibility rules: education (学历: 高中/中专, 大专, 本科, 硕士, 博士), \
                social_work_major (社会工作专业: 是/否) and social_work_since (从事社会工作时间).

                Re-importing the same file changes nothing; a later file with a leaving date \
                closes that employment. One person in two departments or two enterprises is \
                normal: one row each. Imports of overlapping rosters may run at the same time: \
                both succeed, with one person per ID number and every employment of both.

                Bad input: every bad row is listed (line, column, value, reason: an invalid ID \
                number, an unknown enterprise or department, a date after today or before \
                1949-10-01, a hiring or leaving date before the birth date in the ID number, a \
                leaving date before the hiring date, one ID number with two names, a name that \
                differs from the one on record, which no message quotes: correct the record with esw \
                staff rename if it is wrong; with --user, an enterprise outside your scope), nothing \
                is written and esw \
                exits 3; with --skip-invalid the valid rows are imported and the rejected ones \
                saved with a reason column, to fix and import again.

                Several files (the parts of a roster too large for one file) are imported in one \
                transaction, one after the other: all of them or, with a bad row in any, none of \
                them, every file's bad rows listed. Each file's rejected rows are saved beside it \
                (--rejects takes one file only). The maintained ratio figure is recomputed once, \
                at the end, instead of once per file.

                Examples:
                  esw staff import roster-2013.csv --skip-invalid
                  esw staff import roster-part1.csv roster-part2.csv roster-part3.csv
                """)

        @Argument(help: "The CSV file, or the parts of one roster (imported together, all or nothing).")
        var files: [String]
        @OptionGroup var flags: ImportFlags
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if files.count > 1 && flags.rejects != nil {
                throw ValidationError(
                    "--rejects names one file, and several are imported; leave it out to save each file's "
                        + "rejected rows beside it (FILE.rejected.csv)")
            }
        }

        func run() throws {
            try reportingErrors {
                let summaries = try Staff(db: try database.connect()).importFiles(
                    paths: files, options: flags.options())
                for (file, summary) in zip(files, summaries) {
                    finishImport(summary, file: files.count > 1 ? file : nil)
                }
            }
        }
    }

    struct Leave: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a person left an enterprise (one department, or all).",
            discussion: """
                Closes the open employment in --department, or in every department when none is \
                given. Refused with exit 3 when there is no open employment, or when the date is \
                not after the hiring date, is after today, or is before the birth date in the ID \
                number or before 1949-10-01.

                Example:
                  esw staff leave --id-number 110105199003071239 \\
                      --enterprise 91110000600037341L --on 2014-03-31
                """)

        @Option(help: "Resident ID number.") var idNumber: String
        @Option(help: "The enterprise's USCC.") var enterprise: String
        @Option(help: "Only this department (default: every department the person is in there).") var department:
            Department?
        @Option(help: "The leaving date (first day no longer employed).") var on: CalendarDate
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let closed = try Staff(db: try database.connect()).recordLeaving(
                    idNumber: idNumber, enterpriseUSCC: enterprise, department: department, on: on, today: .today())
                say("closed: \(closed.map(\.rawValue).joined(separator: ", "))")
            }
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct the name on record of a person, with a reason; the history is kept.",
            discussion: """
                The name is the person's, nationally (one record per ID number): the database keeps the \
                name before and after, who and why (esw staff names), and the audit trail the change. \
                A roster import that gives the corrected name then matches the record.

                Refused with exit 3, changing nothing: an invalid ID number, no such person in your \
                scope, an empty name or one with characters no name holds, an empty reason. A role that \
                may only read rosters is refused with exit 1. Neither name appears in any message.

                Example:
                  esw staff rename --id-number 110105199003071239 --name 王晓明 --reason "身份证姓名为准"
                """)

        @Option(help: "Resident ID number.") var idNumber: String
        @Option(help: "The correct name.") var name: String
        @Option(help: "Why it is corrected; kept with the name history. At most 500 characters.") var reason: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let changed = try Staff(db: try database.connect()).correctName(
                    idNumber: idNumber, to: name, reason: reason, today: .today())
                say(
                    changed
                        ? "name corrected; the one before is kept (esw staff names)"
                        : "the name on record is this one; nothing changed")
            }
        }
    }

    struct Names: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the corrections of a person's name: before, after, when, who and why.",
            discussion: """
                Exit 3 when the ID number is invalid or no person of your scope has it.

                Example:
                  esw staff names --id-number 110105199003071239
                """)

        @Option(help: "Resident ID number.") var idNumber: String
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                emit(
                    Listing.nameHistory(
                        try Staff(db: try database.connect()).nameHistory(idNumber: idNumber, today: .today())
                    ).rendered(as: format))
            }
        }
    }
}
