import TestSupport
import Testing

/// The tests' guard against a stray DATABASE_URL: no server needed, the conninfo is only read.
@Suite struct LocalDatabaseCheckTests {
    @Test(arguments: [
        "postgresql://esw@localhost:5432/esw?host=/tmp/esw-test.abc/socket",
        "postgresql://esw@localhost:5432/esw",
        "postgres://esw:secret@127.0.0.1/esw",
        "postgresql://127.255.0.9:6000,localhost/esw",
        "postgresql://[::1]:5432/esw",
        "postgresql://%2Fvar%2Frun%2Fpostgresql/esw",
        "postgresql:///esw",
        "host=/var/run/postgresql dbname=esw",
        "host = 'localhost' port=5432 options='-csearch_path=x'",
        "hostaddr=127.0.0.1 dbname=esw",
        "host=::1",
        "dbname=esw",
        "",
    ])
    func localServersAreAccepted(conninfo: String) throws {
        try TestDatabase.requireLocal(conninfo, environment: [:])
    }

    @Test(arguments: [
        ("postgresql://esw@db.example.internal/esw", "db.example.internal"),
        ("postgresql://esw@localhost/esw?host=db.example.internal", "db.example.internal"),
        ("postgresql://localhost,10.0.0.5/esw", "10.0.0.5"),
        ("postgresql://[2001:db8::1]:5432/esw", "2001:db8::1"),
        ("postgres://esw:secret@128.0.0.1/esw", "128.0.0.1"),
        ("host=localhost hostaddr=192.168.1.20", "192.168.1.20"),
        ("host='db.example.internal' dbname=esw", "db.example.internal"),
        ("host=localhost.example.com", "localhost.example.com"),
        ("host=::2", "::2"),
        ("service=production", "service production"),
    ])
    func otherServersAreRefusedByName(conninfo: String, host: String) {
        let error = #expect(throws: NonLocalDatabase.self) { try TestDatabase.requireLocal(conninfo, environment: [:]) }
        #expect(error?.host == host)
        #expect(error?.description.contains("refusing to run the database tests") == true)
        #expect(error?.description.contains("secret") == false)
    }

    @Test func libpqsEnvironmentCountsWhenTheConninfoNamesNoHost() throws {
        #expect(throws: NonLocalDatabase.self) {
            try TestDatabase.requireLocal("dbname=esw", environment: ["PGHOST": "db.example.internal"])
        }
        #expect(throws: NonLocalDatabase.self) {
            try TestDatabase.requireLocal("postgresql:///esw", environment: ["PGHOSTADDR": "10.1.2.3"])
        }
        #expect(throws: NonLocalDatabase.self) {
            try TestDatabase.requireLocal("dbname=esw", environment: ["PGSERVICE": "production"])
        }
        // An explicit host wins over the environment, as in libpq.
        try TestDatabase.requireLocal("host=/tmp/socket", environment: ["PGHOST": "db.example.internal"])
        try TestDatabase.requireLocal("service=dev host=localhost", environment: [:])
    }
}
