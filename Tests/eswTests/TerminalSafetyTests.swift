import Foundation
import PostgresClient
import TestSupport
import Testing

/// What the terminal shows of hostile text: names with escape sequences, bidirectional overrides
/// and zero-width characters cannot drive or disguise the screen, and a refused value is quoted
/// to at most 60 characters.
@Suite(.database) struct TerminalSafetyTests {
    @Test func aNameWithEscapesIsShownEscapedInTablesAndMessages() throws {
        try TestDatabase.withSchema { db, url in
            let uscc = Fixtures.uscc(region: "440305", serial: 41)
            // An ANSI colour sequence, a right-to-left override and a zero-width space.
            let hostile = "深圳\u{1B}[31m红\u{202E}txt.exe\u{200B}公司"
            let added = try esw([
                "enterprise", "add", "--uscc", uscc, "--name", hostile, "--region", "440305", "--database-url", url,
            ])
            // esw refuses such a name, naming the field and the character, never echoing the name.
            #expect(added.status == 3)
            #expect(added.stderr.contains("--name: holds a control character (U+001B) at character 3"))
            // A name stored before esw refused them (or written by hand in SQL) is still shown safely.
            try db.execute("INSERT INTO enterprise (uscc, name, region_code) VALUES (\(uscc), \(hostile), '440305')")
            let table = try esw(["enterprise", "list", "--database-url", url])
            #expect(table.status == 0)
            for raw in ["\u{1B}", "\u{202E}", "\u{200B}"] {
                #expect(!table.stdout.contains(raw))
                #expect(!added.stderr.contains(raw))
            }
            #expect(table.stdout.contains("深圳\\u{1B}[31m红\\u{202E}txt.exe\\u{200B}公司"))
            // JSON keeps the stored name exactly (its own escaping makes it safe).
            let json = try esw(["enterprise", "list", "--format", "json", "--database-url", url])
            #expect(json.stdout.contains("\\u001b[31m红\u{202E}txt.exe\u{200B}公司"))

            // A refused value: escaped, and cut to its first 60 characters.
            let long = String(repeating: "长", count: 70) + "\u{1B}[2J"
            let refused = try esw([
                "enterprise", "add", "--uscc", long, "--name", "x", "--region", "440305", "--database-url", url,
            ])
            #expect(refused.status == 3)
            #expect(!refused.stderr.contains("\u{1B}"))
            #expect(refused.stderr.contains("--uscc '" + String(repeating: "长", count: 60) + "…':"))
        }
    }
}
