import Foundation
import TestSupport
import Testing

/// The `--help` of `esw` and of every subcommand at every level, against Snapshots/help/.
///
/// The commands are found by reading each help's SUBCOMMANDS section, starting from `esw --help`,
/// so a new command gets checked (and fails until its snapshot is recorded) without this file
/// changing.
@Suite struct HelpSnapshotTests {
    /// Help is wrapped to the terminal; without one ArgumentParser reads COLUMNS, so fix it.
    static let environment = ["COLUMNS": "80"]

    /// The whole tree's help, run once for both tests that read it (about 80 processes).
    static let everyCommandsHelp = Result { try HelpSnapshotTests.helpOfEveryCommand() }

    @Test func everyCommandsHelpMatchesItsSnapshot() throws {
        let helps = try HelpSnapshotTests.everyCommandsHelp.get()
        #expect(helps.count > 60, "the walk found the whole tree (\(helps.count) commands)")
        SnapshotFolder("help").verify(helps.map { (name: $0.path.joined(separator: "-") + ".txt", output: $0.help) })
    }

    /// A leaf command's help shows how to run it, and an example survives ArgumentParser's wrapping
    /// at 80 columns whole, so that it can be copied: a long one is continued with ` \` by hand.
    @Test func everyLeafCommandHasAnExampleThatCanBeCopied() throws {
        for (path, help) in try HelpSnapshotTests.everyCommandsHelp.get() where !help.contains("\nSUBCOMMANDS:\n") {
            let command = path.joined(separator: " ")
            let examples = HelpSnapshotTests.examples(in: help)
            #expect(examples.contains { $0.hasPrefix("  esw ") }, "\(command) --help gives an example")
            for (line, next) in zip(examples, examples.dropFirst().map(Optional.some) + [nil]) {
                #expect(line.hasPrefix("  "), "\(command) --help: an example was wrapped before \"\(line)\"")
                if line.hasSuffix(" \\") {
                    #expect(next?.hasPrefix("  ") == true, "\(command) --help: \"\(line)\" continues nowhere")
                }
            }
        }
    }

    @Test func examplesAreReadFromTheHelpText() {
        let help = """
            OVERVIEW: Something.

            Examples:
              esw ratio --trend --region 440000 --from 2013-01-01 --to 2014-12-31 --every
            quarter
              esw ratio --region 440000 \\
                  --format json

            USAGE: esw ratio <options>
            """
        #expect(
            HelpSnapshotTests.examples(in: help) == [
                "  esw ratio --trend --region 440000 --from 2013-01-01 --to 2014-12-31 --every", "quarter",
                "  esw ratio --region 440000 \\", "      --format json",
            ])
        #expect(HelpSnapshotTests.examples(in: "OVERVIEW: Nothing.\n\nUSAGE: esw db status\n").isEmpty)
    }

    /// The lines of the help's "Example:" or "Examples:" paragraph.
    static func examples(in help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0 == "Example:" || $0 == "Examples:" }) else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
    }

    /// `esw --help` and the help of every subcommand at every level, by path (["esw", "ratio"]).
    static func helpOfEveryCommand() throws -> [(path: [String], help: String)] {
        var helps: [(path: [String], help: String)] = []
        var level: [[String]] = [[]]
        while !level.isEmpty {
            let runs = inParallel(level) { path in
                Result { try esw(path + ["--help"], environment: HelpSnapshotTests.environment) }
            }
            var next: [[String]] = []
            for (path, run) in zip(level, runs) {
                let command = (["esw"] + path).joined(separator: " ")
                let help = try run.get()
                #expect(help.status == 0, "\(command) --help exits 0")
                #expect(help.stderr.isEmpty, "\(command) --help writes nothing to stderr")
                helps.append((path: ["esw"] + path, help: help.stdout))
                next += HelpSnapshotTests.subcommands(in: help.stdout).map { path + [$0] }
            }
            level = next
        }
        return helps
    }

    @Test func subcommandsAreReadFromTheHelpText() {
        let help = """
            USAGE: esw exam <subcommand>

            OPTIONS:
              -h, --help              Show help information.

            SUBCOMMANDS:
              session                 Create and list exam sessions.
              register (default)      Register a candidate, or a spreadsheet of
                                      candidates.
              region, province        A region's report.
              a-very-long-subcommand-name
                                      Wrapped onto the next line.

              See 'esw help exam <subcommand>' for detailed help.
            """
        #expect(
            HelpSnapshotTests.subcommands(in: help) == ["session", "register", "region", "a-very-long-subcommand-name"])
        #expect(HelpSnapshotTests.subcommands(in: "USAGE: esw db migrate\n\nOPTIONS:\n  -h, --help  Help.\n").isEmpty)
    }

    /// The names in a help text's SUBCOMMANDS section: the first word of each line indented by
    /// exactly two spaces (without the aliases after a comma), up to the "See 'esw help'" line or
    /// the next section.
    static func subcommands(in help: String) -> [String] {
        var names: [String] = []
        var inSection = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "SUBCOMMANDS:" {
                inSection = true
            } else if inSection {
                if !line.isEmpty && !line.hasPrefix(" ") { break }
                guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
                let name = line.dropFirst(2).prefix { !$0.isWhitespace && $0 != "," }
                if name == "See" { break }
                names.append(String(name))
            }
        }
        return names
    }
}
