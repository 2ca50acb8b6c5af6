import ArgumentParser
import Foundation
import Workforce
import WorkforceOutput

@main
struct ESW: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "esw",
        abstract: "Track enterprise social work: rosters, certificates and the certified-worker ratio.",
        discussion: """
              esw keeps the staff of enterprises' Party organizations, trade unions, Youth League,
            Women's Federation, HR departments and social-work organizations, their social worker \
            certificates, and answers the certified-worker ratio (持证比例) by enterprise, region, \
            department and level, at any date.

            Database: --database-url, else DATABASE_URL, else libpq's PG* variables, else the \
            project's dev cluster (scripts/dev-db start).

            Dates on every option: 2013-06-01, 2013/6/1 or 2013年6月1日 (a bad date is a usage error, \
            exit 2, naming these forms). Departments, event kinds, certificate levels, exam subjects and \
            states: the code or its Chinese name (union or 工会); tables show the Chinese names, --lang en \
            the codes, which CSV and JSON always carry.

            Exit codes: 0 success, 1 database or runtime failure, 2 usage error, 3 invalid input data. \
            Exit 1 includes a connection lost mid-command, a statement stopped by the server's \
            statement_timeout and a conflict with a concurrent session: the transaction is rolled \
            back; run the command again.

            Examples:
              esw db migrate
              esw check id-number 110105199003071239
              esw enterprise import enterprises.csv
              esw staff import roster.csv
              esw certificate import certificates.csv
              esw ratio --region 440000 --as-of 2013-12-31
              esw ratio --trend --enterprise 91440300MA5XXXXXXX --from 2013-01-01 --to 2014-12-31 --every quarter
            """,
        version: "0.1.0",
        subcommands: [
            DatabaseCommand.self, CheckCommand.self, EnterpriseCommand.self, StaffCommand.self,
            CertificateCommand.self, RatioCommand.self, EventCommand.self, EnrollCommand.self,
            AttendanceCommand.self, TrainingCommand.self, ExamCommand.self, PilotCommand.self,
            PostCommand.self, OrgCommand.self, ServiceCommand.self, FundingCommand.self, ReportCommand.self,
            UserCommand.self, AuditCommand.self, PersonCommand.self, ServeCommand.self,
        ]
    )

    /// Parses and runs like ArgumentParser's own `main`, except that usage errors exit 2, the
    /// code the tool documents, rather than sysexits' 64. `esw serve` runs asynchronously; every
    /// other command as before.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((RefusedDates.explaining(fullMessage(for: error)) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
