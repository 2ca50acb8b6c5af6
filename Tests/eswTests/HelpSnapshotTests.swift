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

    @Test func everyCommandsHelpMatchesItsSnapshot() throws {
        var outputs: [(name: String, output: String)] = []
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
                outputs.append((name: (["esw"] + path).joined(separator: "-") + ".txt", output: help.stdout))
                next += HelpSnapshotTests.subcommands(in: help.stdout).map { path + [$0] }
            }
            level = next
        }
        #expect(outputs.count > 60, "the walk found the whole tree (\(outputs.count) commands)")
        SnapshotFolder("help").verify(outputs)
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
