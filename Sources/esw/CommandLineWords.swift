import Foundation
import Workforce
import WorkforceOutput

/// How the command line names the domain's fields and remedies: a field is the flag that gives
/// it, a remedy the command to run.
enum CommandLineWords {
    /// Fields whose flag is not the key with dashes.
    private static let flagExceptions: [Field: String] = [
        "file": "FILE", "new_password": "the new password (ESW_NEW_PASSWORD)",
    ]

    static func flag(_ field: Field) -> String {
        flagExceptions[field] ?? "--" + field.rawValue.replacingOccurrences(of: "_", with: "-")
    }

    static func command(_ remedy: Remedy) -> String {
        switch remedy {
        case .addOrImportEnterprise: "esw enterprise add or esw enterprise import"
        case .listEnterprises: "esw enterprise list"
        case .addServiceOrganization: "esw org add"
        case .listExamSessions: "esw exam session list"
        case .setExamWindow: "esw exam window set"
        case .recordLeaving: "esw staff leave"
        case .amendService: "esw service amend or esw service delete"
        case .amendFunding: "esw funding amend or esw funding delete"
        case .correctName: "esw staff rename"
        }
    }

    static func message(_ error: WorkforceError) -> String {
        error.message(field: flag, remedy: command, value: quoted)
    }

    /// A value as an error message quotes it (``quotedValue(_:)``: ID numbers masked, long values cut).
    static func quoted(_ value: String) -> String { quotedValue(value) }

    static func text(_ reason: Reason) -> String {
        reason.rendered(field: flag, remedy: command)
    }

    /// A rejected value as the rejects file's reason column gives it: "id_number '…': reason", or
    /// "name: reason" when the value is withheld or empty.
    static func rejectedValue(_ error: RowError) -> String {
        "\(error.column)\(error.value.isEmpty ? "" : " '\(quoted(error.value))'"): \(text(error.reason))"
    }

    /// A rejected row as the command line shows it: "line 3, id_number '…': reason".
    static func text(_ error: RowError) -> String {
        "line \(error.line), " + rejectedValue(error)
    }

    static func message(_ rejected: ImportRejected) -> String {
        "\(rejected.path): \(rejected.badLines) of \(rejected.read) rows are invalid, nothing was imported\n"
            + rejected.errors.map { "  " + text($0) }.joined(separator: "\n")
            + "\nFix these rows and import again, or pass --skip-invalid to import the valid rows and save the "
            + "rejected ones."
    }
}
