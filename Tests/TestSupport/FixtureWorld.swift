public import CalendarDates
public import PostgresClient
public import Workforce
import WorkforceOutput

/// A small world of named enterprises and numbered people, shared by the test targets.
///
/// Shenzhen (`440305`, 500 employees) and Beijing (`110105`) exist from the start; Guangzhou
/// (`440106`) is added on demand. People are `person(n)`: valid, fictitious ID numbers born
/// 1990-03-07 in `110105`. Imports go through the real import pipeline with `today` fixed, so a
/// world built on any day is the same world.
///
/// ```swift
/// let world = try FixtureWorld(db: db)
/// _ = try world.importStaff(FixtureWorld.staff([
///     .init(.shenzhen, 1, "张伟", "union", hired: "2012-01-01"),
/// ]))
/// ```
public struct FixtureWorld {
    public let db: Connection
    public let enterprises: Enterprises
    public let staff: Staff
    public let certificates: Certificates

    /// The enterprises of the world, by the city they are in.
    public enum Enterprise: String, CaseIterable, Sendable {
        case shenzhen, beijing, guangzhou

        public var uscc: String {
            switch self {
            case .shenzhen: Fixtures.uscc(region: "440305", serial: 1)
            case .beijing: Fixtures.uscc(region: "110105", serial: 2)
            case .guangzhou: Fixtures.uscc(region: "440106", serial: 3)
            }
        }

        public var name: String {
            switch self {
            case .shenzhen: "深圳测试电子有限公司"
            case .beijing: "北京测试科技有限公司"
            case .guangzhou: "广州空企业"
            }
        }

        public var region: String {
            switch self {
            case .shenzhen: "440305"
            case .beijing: "110105"
            case .guangzhou: "440106"
            }
        }

        public var employees: Int? {
            switch self {
            case .shenzhen: 500
            case .beijing: nil
            case .guangzhou: 10
            }
        }
    }

    public static let shenzhen = Enterprise.shenzhen.uscc
    public static let beijing = Enterprise.beijing.uscc
    public static let guangzhou = Enterprise.guangzhou.uscc
    /// The day imports and checks take as today: fixed, so that no test depends on the clock.
    public static let today = CalendarDate(iso: "2026-11-27")!

    public static func person(_ sequence: Int) -> String { Fixtures.idNumber(sequence: sequence) }

    public static func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }

    /// Adds Shenzhen and Beijing (and any of `more`).
    public init(db: Connection, adding more: [Enterprise] = []) throws {
        self.db = db
        enterprises = Enterprises(db: db)
        staff = Staff(db: db)
        certificates = Certificates(db: db)
        for enterprise in [.shenzhen, .beijing] + more { try add(enterprise) }
    }

    public func add(_ enterprise: Enterprise) throws {
        _ = try enterprises.add(
            uscc: enterprise.uscc, name: enterprise.name, regionCode: enterprise.region,
            employees: enterprise.employees)
    }

    public func importStaff(_ csv: String, skipInvalid: Bool = false, rejects: String? = nil) throws -> ImportSummary {
        let options = ImportOptions(
            skipInvalid: skipInvalid, rejectsPath: rejects, today: FixtureWorld.today,
            saveRejects: saveRejectsAsTheCLIDoes)
        return try staff.importFile(path: try temporaryFile(text: csv), options: options)
    }

    public func importCertificates(_ csv: String, skipInvalid: Bool = false) throws -> ImportSummary {
        let options = ImportOptions(skipInvalid: skipInvalid, today: FixtureWorld.today)
        return try certificates.importFile(path: try temporaryFile(text: csv), options: options)
    }

    public func count(_ table: String) throws -> Int {
        try db.query("SELECT count(*) FROM \(identifier: table)").single().decode(0)
    }
}

extension FixtureWorld {
    /// One roster line: `person` works in `department` of `enterprise` from `hired` (to `left`).
    public struct Hire: Sendable {
        public let enterprise: Enterprise
        public let person: Int
        public let name: String
        public let department: String
        public let hired: String
        public let left: String?

        public init(
            _ enterprise: Enterprise, _ person: Int, _ name: String, _ department: String, hired: String,
            left: String? = nil
        ) {
            self.enterprise = enterprise
            self.person = person
            self.name = name
            self.department = department
            self.hired = hired
            self.left = left
        }
    }

    /// A roster spreadsheet (English headers) of `hires`, as an enterprise would send it.
    public static func staff(_ hires: [Hire]) -> String {
        hires.reduce("enterprise_uscc,id_number,name,department,hired_on,left_on\n") { csv, hire in
            csv + "\(hire.enterprise.uscc),\(person(hire.person)),\(hire.name),\(hire.department),\(hire.hired),"
                + "\(hire.left ?? "")\n"
        }
    }

    /// A certificate spreadsheet of `(person, level, number, issued, revoked)` lines.
    public static func certificates(
        _ lines: [(person: Int, level: String, number: String, issued: String, revoked: String?)]
    ) -> String {
        lines.reduce("id_number,level,certificate_no,issued_on,revoked_on\n") { csv, line in
            csv + "\(person(line.person)),\(line.level),\(line.number),\(line.issued),\(line.revoked ?? "")\n"
        }
    }
}

/// Saves rejected rows the way the command line does, with each reason in the domain's words.
public let saveRejectsAsTheCLIDoes: @Sendable (RejectedRows, String) throws -> Void = { rejected, path in
    try RejectsFile.write(rejected, to: path) {
        "\($0.column)\($0.value.isEmpty ? "" : " '\($0.value)'"): \($0.reason)"
    }
}
