public import PostgresClient
public import Workforce

/// Three enterprises with a row of their own in every table that holds enterprise or person
/// data, and one user of each role, for the access tests (docs/access.md).
///
/// Shenzhen (`440305`) and Guangzhou (`440106`) are in Guangdong, Beijing (`110105`) is not. Each
/// enterprise has one person (with a certificate and its registration), an employment, an event it
/// organizes (with a quota and the person's enrollment), an exam registration with a score, a
/// post, a service record, funding and a pilot application with its history.
public struct AccessWorld {
    public struct Side: Sendable {
        public let uscc: String
        public let region: String
        public let idNumber: String
        public let name: String
    }

    public static let shenzhen = Side(
        uscc: FixtureWorld.shenzhen, region: "440305", idNumber: Fixtures.idNumber(sequence: 1), name: "SZ")
    public static let guangzhou = Side(
        uscc: FixtureWorld.guangzhou, region: "440106", idNumber: Fixtures.idNumber(sequence: 2), name: "GZ")
    public static let beijing = Side(
        uscc: FixtureWorld.beijing, region: "110105", idNumber: Fixtures.idNumber(sequence: 3), name: "BJ")
    public static let sides = [shenzhen, guangzhou, beijing]

    /// Every table that holds enterprise or person data: how to list its row keys, and (as the
    /// owner) each key with the USCC of the enterprise it belongs to.
    public static let tables: [(name: String, keys: String, owned: String)] =
        [
            ("enterprise", "SELECT id::text FROM enterprise", "SELECT id::text, uscc FROM enterprise"),
            (
                "person", "SELECT id::text FROM person",
                """
                SELECT p.id::text, en.uscc FROM person p JOIN employment e ON e.person_id = p.id
                JOIN enterprise en ON en.id = e.enterprise_id
                """
            ),
            (
                "certificate", "SELECT id::text FROM certificate",
                """
                SELECT c.id::text, en.uscc FROM certificate c JOIN employment e ON e.person_id = c.person_id
                JOIN enterprise en ON en.id = e.enterprise_id
                """
            ),
            (
                "certificate_registration", "SELECT id::text FROM certificate_registration",
                """
                SELECT r.id::text, en.uscc FROM certificate_registration r JOIN certificate c ON c.id = r.certificate_id
                JOIN employment e ON e.person_id = c.person_id JOIN enterprise en ON en.id = e.enterprise_id
                """
            ),
            (
                "event_quota", "SELECT event_id::text || department FROM event_quota",
                """
                SELECT q.event_id::text || q.department, en.uscc FROM event_quota q
                JOIN training_event ev ON ev.id = q.event_id JOIN enterprise en ON en.id = ev.enterprise_id
                """
            ),
            (
                "exam_score", "SELECT registration_id::text || subject FROM exam_score",
                """
                SELECT s.registration_id::text || s.subject, en.uscc FROM exam_score s
                JOIN exam_registration r ON r.id = s.registration_id JOIN enterprise en ON en.id = r.enterprise_id
                """
            ),
            (
                "pilot_application_event", "SELECT id::text FROM pilot_application_event",
                """
                SELECT x.id::text, en.uscc FROM pilot_application_event x
                JOIN pilot_application a ON a.id = x.application_id JOIN enterprise en ON en.id = a.enterprise_id
                """
            ),
        ]
        + [
            "employment", "training_event", "enrollment", "exam_registration", "social_work_post", "service_record",
            "funding", "pilot_application",
        ].map { table in
            (
                table, "SELECT id::text FROM \(table)",
                "SELECT t.id::text, en.uscc FROM \(table) t JOIN enterprise en ON en.id = t.enterprise_id"
            )
        }

    public let owner: Connection
    public let conninfo: String
    /// One-time passwords by user name.
    public private(set) var passwords: [String: String] = [:]

    /// The users: each role, scoped to Shenzhen, its city, Guangdong or the country.
    public static let users: [(name: String, role: AccessRole, scope: String?)] = [
        ("sz-coordinator", .enterpriseCoordinator, shenzhen.uscc),
        ("sz-hr", .enterpriseHR, shenzhen.uscc),
        ("bj-coordinator", .enterpriseCoordinator, beijing.uscc),
        ("shenzhen-city", .regionCoordinator, "440300"),
        ("guangdong", .provincialBureau, "440000"),
        ("ministry", .ministry, nil),
        ("admin", .admin, nil),
    ]

    /// Builds the world as the owner (the test's connection) and adds the users.
    public init(owner: Connection, conninfo: String) throws {
        self.owner = owner
        self.conninfo = conninfo
        try owner.execute(
            script: """
                INSERT INTO exam_session (year, level, exam_date, work_years_cutoff)
                VALUES (2013, 'junior', '2013-06-15', '2012-12-31');
                INSERT INTO pass_line (session_id, subject, mark) SELECT id, 'practice', 60 FROM exam_session;
                INSERT INTO pilot_program (name, apply_by, confirm_by, pilot_months, summary_by)
                VALUES ('企业社会工作试点', '2013-06-01', '2013-07-01', 12, '2014-08-01');
                INSERT INTO audit_log (action, subject) VALUES ('test', 'the owner wrote this');
                """)
        for side in AccessWorld.sides { try AccessWorld.add(side, on: owner) }
        let users = Users(db: owner)
        for user in AccessWorld.users {
            passwords[user.name] = try users.add(name: user.name, role: user.role, scope: user.scope)
        }
    }

    static func add(_ side: Side, on db: Connection) throws {
        let (uscc, idNumber, name) = (side.uscc, side.idNumber, side.name)
        let event = "E-" + name
        try db.execute("INSERT INTO enterprise (uscc, name, region_code) VALUES (\(uscc), \(name), \(side.region))")
        try db.execute("INSERT INTO person (id_number, name) VALUES (\(idNumber), \("P" + name))")
        let statements: [SQLQuery] = [
            """
            INSERT INTO employment (person_id, enterprise_id, department, hired_on)
            SELECT p.id, e.id, 'union', '2010-01-01' FROM person p, enterprise e
            WHERE p.id_number = \(idNumber) AND e.uscc = \(uscc)
            """,
            """
            INSERT INTO certificate (person_id, level, certificate_no, issued_on)
            SELECT id, 'junior', \("C-" + uscc), '2012-01-01' FROM person WHERE id_number = \(idNumber)
            """,
            """
            INSERT INTO certificate_registration (certificate_id, registered_on, valid_until, renewal)
            SELECT id, '2012-02-01', '2015-02-01', false FROM certificate WHERE certificate_no = \("C-" + uscc)
            """,
            """
            INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity, enterprise_id)
            SELECT 'seminar', \(event), '2013-05-01 09:00', '2013-05-01 12:00', 3, 10, id
            FROM enterprise WHERE uscc = \(uscc)
            """,
            """
            INSERT INTO event_quota (event_id, department, seats)
            SELECT id, 'union', 2 FROM training_event WHERE title = \(event)
            """,
            """
            INSERT INTO enrollment (event_id, person_id, enterprise_id, department, status, requested_at)
            SELECT ev.id, p.id, ev.enterprise_id, 'union', 'enrolled', '2013-04-01 10:00'
            FROM training_event ev, person p WHERE ev.title = \(event) AND p.id_number = \(idNumber)
            """,
            """
            INSERT INTO exam_registration (session_id, person_id, enterprise_id, region_code, subjects, registered_on)
            SELECT s.id, p.id, e.id, e.region_code, '{practice}', '2013-03-01'
            FROM exam_session s, person p, enterprise e WHERE p.id_number = \(idNumber) AND e.uscc = \(uscc)
            """,
            """
            INSERT INTO exam_score (registration_id, subject, score)
            SELECT r.id, 'practice', 70 FROM exam_registration r JOIN enterprise e ON e.id = r.enterprise_id
            WHERE e.uscc = \(uscc)
            """,
            """
            INSERT INTO social_work_post (enterprise_id, department, title, created_on)
            SELECT id, 'union', '驻企社工', '2013-01-01' FROM enterprise WHERE uscc = \(uscc)
            """,
            """
            INSERT INTO service_record (enterprise_id, kind, served_on, beneficiaries)
            SELECT id, 'family_support', '2013-01-01', 5 FROM enterprise WHERE uscc = \(uscc)
            """,
            """
            INSERT INTO funding (enterprise_id, source, amount, received_on)
            SELECT id, 'enterprise', 1000, '2013-01-01' FROM enterprise WHERE uscc = \(uscc)
            """,
            """
            INSERT INTO pilot_application (program_id, enterprise_id, submitted_on)
            SELECT pp.id, e.id, '2013-05-01' FROM pilot_program pp, enterprise e WHERE e.uscc = \(uscc)
            """,
            """
            INSERT INTO pilot_application_event (application_id, to_status, on_date)
            SELECT a.id, 'submitted', '2013-05-01' FROM pilot_application a
            JOIN enterprise e ON e.id = a.enterprise_id WHERE e.uscc = \(uscc)
            """,
        ]
        for statement in statements { try db.execute(statement) }
    }

    /// A new connection to the world's schema, acting as `user`.
    public func connect(as user: String) throws -> Connection {
        let db = try Connection(conninfo: conninfo)
        try Session.signIn(db, user: user, password: passwords[user]!)
        return db
    }

    /// The keys of `table` that belong to each enterprise (USCC), as the owner sees them.
    public func ownedKeys(_ table: (name: String, keys: String, owned: String)) throws -> [String: Set<String>] {
        var keys: [String: Set<String>] = [:]
        for row in try owner.query(SQLQuery(unsafeSQL: table.owned)) {
            keys[try row.decode(1), default: []].insert(try row.decode(0))
        }
        return keys
    }

    /// The keys of `table` that `db` sees.
    public static func visibleKeys(_ table: (name: String, keys: String, owned: String), on db: Connection) throws
        -> Set<String>
    {
        Set(try db.query(SQLQuery(unsafeSQL: table.keys)).map { try $0.decode(0) as String })
    }
}
