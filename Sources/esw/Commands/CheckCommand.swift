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
            reason. Pass - to read one value a line from standard input. Needs no database, so a \
            region code is checked for its form and province only; whether its prefecture is in the \
            GB/T 2260 table (449999 is not) is checked by the commands that store it.

            Exits 0 when every value is valid, 3 when any is invalid.

            Examples:
              esw check id-number 11010519491231002x
              esw check uscc 91110000600037341L 52440300MJ000123XK
              cut -d, -f2 roster.csv | esw check id-number -
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case idNumber = "id-number", uscc, region
    }

    @Argument(help: "What to check: id-number, uscc or region.")
    var kind: Kind

    @Argument(help: "Values to check, or - to read them from standard input.")
    var values: [String]

    func validate() throws {
        if values.isEmpty { throw ValidationError("give at least one value, or - to read values from standard input") }
    }

    func run() throws {
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
        var anyInvalid = false
        for input in inputs {
            let verdict: CodeCheck
            switch kind {
            case .idNumber: verdict = Codes.checkIDNumber(input, today: today)
            case .uscc: verdict = Codes.checkUSCC(input)
            case .region: verdict = Codes.checkRegion(input)
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
}
