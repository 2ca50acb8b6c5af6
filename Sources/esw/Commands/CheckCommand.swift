import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate resident ID numbers, USCCs or region codes, to clean a spreadsheet before importing it.",
        discussion: """
            Prints each value with "valid" and its normalized form, or "invalid" and the precise \
            reason. Pass - to read one value a line from standard input. ID numbers and USCCs need \
            no database. A region code is looked up in the GB/T 2260 table the database holds \
            (docs/regions.md): a valid one is printed with its full name (440305 广东省深圳市南山区), \
            and one no longer in use with the year it went out of use (110103 北京市崇文区 (out of \
            use since 2010): an ID number or older data may still carry it); a code in no list \
            since 1981 (440399) is invalid.

            Exits 0 when every value is valid, 3 when any is invalid (1 when the database for a \
            region check cannot be reached).

            Examples:
              esw check id-number 11010519491231002x
              esw check uscc 91110000600037341L 52440300MJ000123XK
              esw check region 440305 110105
              cut -d, -f2 roster.csv | esw check id-number -
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case idNumber = "id-number", uscc, region
    }

    @Argument(help: "What to check: id-number, uscc or region.")
    var kind: Kind

    @Argument(help: "Values to check, or - to read them from standard input.")
    var values: [String]

    @OptionGroup var database: ReadDatabaseOptions

    func validate() throws {
        if values.isEmpty { throw ValidationError("give at least one value, or - to read values from standard input") }
    }

    func run() throws {
        try reportingErrors { try check() }
    }

    private func check() throws {
        var inputs: [String] = []
        for value in values {
            if value == "-" {
                while let line = readLine() {
                    let trimmed = line.trimmingSpaces
                    if !trimmed.isEmpty { inputs.append(trimmed) }
                }
            } else {
                inputs.append(value)
            }
        }
        let today = CalendarDate.today()
        var regions: Regions?
        var anyInvalid = false
        for input in inputs {
            let verdict: CodeCheck
            switch kind {
            case .idNumber: verdict = Codes.checkIDNumber(input, today: today)
            case .uscc: verdict = Codes.checkUSCC(input)
            case .region:
                let table = try regions ?? Regions(db: try database.connect())
                regions = table
                verdict = try CheckCommand.region(input, in: table)
            }
            switch verdict {
            case .valid(let normalized):
                say("\(input)\tvalid\t\(normalized)")
            case .invalid(let reason):
                anyInvalid = true
                say("\(input)\tinvalid\t\(reason)")
            }
        }
        if anyInvalid { throw ExitStatus.invalidInput }
    }

    /// A region code's verdict: valid with its full name (and the year it went out of use, if it
    /// has) when the table has it, else invalid with the reason.
    static func region(_ input: String, in regions: Regions) throws -> CodeCheck {
        do {
            let division = try regions.lookUp(input)
            let note = division.abolishedIn.map { " (out of use since \($0))" } ?? ""
            return .valid(normalized: "\(division.code)\t\(division.fullName)\(note)")
        } catch WorkforceError.invalid(_, _, let reason) {
            return .invalid(reason: CommandLineWords.text(reason))
        }
    }
}
