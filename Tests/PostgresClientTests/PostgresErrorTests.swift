import Foundation
import PostgresClient
import TestSupport
import Testing

/// Errors name what went wrong (SQLSTATE, constraint, table, column, reason) and never carry the
/// values that were bound or stored: they end up in terminals, logs and bug reports.
@Suite(.database) struct PostgresErrorTests {
    static let idNumber = Fixtures.idNumber(sequence: 417)

    @Test func aDuplicateIDNumberIsReportedWithoutTheIDNumber() throws {
        try TestDatabase.withSchema { (db: Connection) throws in
            try db.execute("INSERT INTO person (id_number, name) VALUES (\(Self.idNumber), \("王秀英"))")
            let error = #expect(throws: PostgresError.self) {
                try db.execute("INSERT INTO person (id_number, name) VALUES (\(Self.idNumber), \("王秀英"))")
            }
            let duplicate = try #require(error)
            #expect(duplicate.sqlState == .uniqueViolation)
            #expect(duplicate.constraint == "person_id_number_key")
            #expect(duplicate.table == "person")
            let texts = [
                duplicate.description, duplicate.userMessage, duplicate.message, String(describing: duplicate),
            ]
            for text in texts {
                #expect(!text.contains(Self.idNumber), "\(text)")
                #expect(!text.contains("王秀英"), "\(text)")
                #expect(text.contains("person_id_number_key"))
            }
            #expect(duplicate.userMessage.contains("SQLSTATE 23505"))
            #expect(duplicate.userMessage.contains("table person"))
            // The server's DETAIL is kept, under a name that says what it holds.
            #expect(duplicate.diagnosticDetail?.contains(Self.idNumber) == true)
        }
    }

    @Test func aCheckViolationIsReportedWithoutTheFailingRow() throws {
        try TestDatabase.withSchema { (db: Connection) throws in
            let error = #expect(throws: PostgresError.self) {
                try db.execute("INSERT INTO person (id_number, name) VALUES (\(Self.idNumber), \("   "))")
            }
            let check = try #require(error)
            #expect(check.sqlState == .checkViolation)
            #expect(check.constraint == "person_name_check")
            #expect(check.diagnosticDetail?.contains("Failing row contains") == true)
            for text in [check.description, check.userMessage] {
                #expect(!text.contains(Self.idNumber), "\(text)")
                #expect(!text.contains("Failing row"), "\(text)")
                #expect(text.contains("person_name_check"))
            }
        }
    }

    @Test func aValueQuotedInADataExceptionIsRedacted() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let syntax = #expect(throws: PostgresError.self) { try db.query("SELECT \("1990-13-45-secret")::date") }
            #expect(syntax?.sqlState?.errorClass == SQLState.dataException.errorClass)
            #expect(syntax?.message.contains("type date") == true)
            #expect(syntax?.message.contains(PostgresError.redactedValue) == true)
            let range = #expect(throws: PostgresError.self) { try db.query("SELECT \("2013-02-30")::date") }
            let tooBig = #expect(throws: PostgresError.self) { try db.query("SELECT \("99999999999")::int") }
            for error in [syntax, range, tooBig] {
                let texts = [error?.message, error?.description, error?.userMessage].compactMap { $0 }
                #expect(texts.count == 3)
                for text in texts {
                    #expect(
                        !text.contains("secret") && !text.contains("2013-02-30") && !text.contains("99999999999"),
                        "\(text)")
                }
            }
        }
    }

    @Test func identifiersQuotedInOtherMessagesStay() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let error = #expect(throws: PostgresError.self) { try db.query("SELECT no_such_column FROM pg_class") }
            #expect(error?.message.contains("\"no_such_column\"") == true)
        }
    }

    @Test func aNulByteInABoundStringIsRefusedBeforeSendingNamingItsPosition() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            try db.execute(script: "CREATE TABLE note (a text, b text)")
            let error = #expect(throws: PostgresError.self) {
                try db.execute("INSERT INTO note VALUES (\("fine"), \("secret\u{0}tail"))")
            }
            #expect(error?.kind == .client)
            #expect(error?.message.contains("$2") == true)
            #expect(error?.description.contains("secret") == false)
            #expect(try db.query("SELECT count(*) FROM note").single().decode(0, as: Int.self) == 0)
            let copyError = #expect(throws: PostgresError.self) {
                try db.copyIn(CopyStatement(table: "note", columns: ["a", "b"])) { writer in
                    try writer.writeRow(["ok", "fine"])
                    try writer.writeRow(["secret\u{0}tail", "fine"])
                }
            }
            #expect(copyError?.message.contains("field 1") == true)
            #expect(copyError?.description.contains("secret") == false)
            #expect(try db.query("SELECT count(*) FROM note").single().decode(0, as: Int.self) == 0)
        }
    }

    @Test func aStatementTimeoutIsNotALostConnection() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let pid = db.backendPID
            try db.execute(script: "SET statement_timeout = 50")
            let error = #expect(throws: PostgresError.self) { try db.query("SELECT pg_sleep(5)") }
            #expect(error?.sqlState == .queryCanceled)
            #expect(error?.isConnectionFailure == false)
            try db.execute(script: "RESET statement_timeout")
            #expect(try db.query("SELECT pg_backend_pid()").single().decode(0, as: Int.self) == pid)
        }
    }

    @Test func aTerminatedSessionIsALostConnection() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let error = #expect(throws: PostgresError.self) {
                try db.query("SELECT pg_terminate_backend(pg_backend_pid())")
            }
            #expect(error?.isConnectionFailure == true)
            #expect(error?.kind == .connection)
            #expect(!db.isOK)
        }
    }
}
