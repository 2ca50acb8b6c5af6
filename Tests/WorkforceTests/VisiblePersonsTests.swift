import PostgresClient
import TestSupport
import Testing
import Workforce

/// The persons (and their certificates) a scope sees through an enrollment or an exam registration
/// alone, with no employment: the two branches of esw_visible_person_ids() (sql/0024) that the
/// access world does not exercise apart, since each of its persons is employed where they enroll.
@Suite(.database) struct VisiblePersonsTests {
    @Test func aPersonLinkedOnlyByAnEnrollmentOrAnExamRegistrationIsSeenByThatScopeAndNoOther() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let uscc = AccessWorld.shenzhen.uscc
            let (enrolled, registered) = (Fixtures.idNumber(sequence: 41), Fixtures.idNumber(sequence: 42))
            try owner.execute(
                """
                INSERT INTO person (id_number, name)
                VALUES (\(enrolled), 'only enrolled'), (\(registered), 'only registered')
                """)
            try owner.execute(
                """
                INSERT INTO certificate (person_id, level, certificate_no, issued_on)
                SELECT id, 'junior', 'V-' || id_number, '2012-01-01'
                FROM person WHERE id_number IN (\(enrolled), \(registered))
                """)
            try owner.execute(
                """
                INSERT INTO enrollment (event_id, person_id, enterprise_id, department, status, requested_at)
                SELECT ev.id, p.id, ev.enterprise_id, 'union', 'waitlisted', '2013-04-02 10:00'
                FROM training_event ev JOIN enterprise e ON e.id = ev.enterprise_id, person p
                WHERE e.uscc = \(uscc) AND p.id_number = \(enrolled)
                """)
            try owner.execute(
                """
                INSERT INTO exam_registration
                    (session_id, person_id, enterprise_id, region_code, subjects, registered_on)
                SELECT s.id, p.id, e.id, e.region_code, '{practice}', '2013-03-01'
                FROM exam_session s, person p, enterprise e WHERE p.id_number = \(registered) AND e.uscc = \(uscc)
                """)
            let linked: Int = try owner.query(
                "SELECT count(*) FROM employment e JOIN person p ON p.id = e.person_id WHERE p.name LIKE 'only %'"
            ).single().decode(0)
            #expect(linked == 0)
            // Shenzhen's coordinator, its city and its province see both and their certificates; Beijing's
            // coordinator neither; the country roles both.
            for (user, sees) in [
                ("sz-coordinator", 2), ("shenzhen-city", 2), ("guangdong", 2), ("bj-coordinator", 0), ("ministry", 2),
            ] {
                let db = try world.connect(as: user)
                let persons: Int = try db.query("SELECT count(*) FROM person WHERE name LIKE 'only %'").single()
                    .decode(0)
                let certificates: Int = try db.query(
                    "SELECT count(*) FROM certificate WHERE certificate_no LIKE 'V-%'"
                ).single().decode(0)
                #expect(persons == sees, "\(user) sees \(persons) of the two persons")
                #expect(certificates == sees, "\(user) sees \(certificates) of the two certificates")
            }
        }
    }
}
