// In-process benchmark of one enterprise's ratio through the domain API, against a raw libpq
// floor (the same numbers from one hand-written query on the same connection). scripts/bench
// runs it; it prints one JSON object.
//
// Usage: esw-bench DATABASE_URL AS_OF RUNS
import CalendarDates
import Foundation
import PostgresClient
import Workforce

let arguments = CommandLine.arguments
guard arguments.count == 4, let asOf = CalendarDate(iso: arguments[2]), let runs = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: esw-bench DATABASE_URL AS_OF RUNS\n".utf8))
    exit(2)
}
let db = try Connection(conninfo: arguments[1])
let codes = try db.query("SELECT uscc FROM enterprise ORDER BY id").map { try $0.decode(0, as: String.self) }
let ids = try db.query("SELECT id FROM enterprise ORDER BY id").map { try $0.decode(0, as: Int.self) }
let service = RatioService(db: db)
var generator = SystemRandomNumberGenerator()
let picks = (0..<runs).map { _ in Int.random(in: 0..<codes.count, using: &generator) }

func percentiles(_ samples: [Duration]) -> (p50: Double, p99: Double) {
    let sorted = samples.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000 }
        .sorted()
    return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
}

let clock = ContinuousClock()
// Warm up plans and caches for both paths.
for index in picks.prefix(20) { _ = try service.enterprise(uscc: codes[index], asOf: asOf) }

var domain: [Duration] = []
for index in picks {
    let started = clock.now
    _ = try service.enterprise(uscc: codes[index], asOf: asOf)
    domain.append(clock.now - started)
}

// The floor: one hand-written query for the same counts, by enterprise id, on the same connection.
var floor: [Duration] = []
for index in picks {
    let started = clock.now
    _ = try db.query(
        """
        SELECT count(DISTINCT e.person_id), count(DISTINCT e.person_id) FILTER (WHERE c.person_id IS NOT NULL)
        FROM employment e
        LEFT JOIN certificate c ON c.person_id = e.person_id AND c.issued_on <= \(asOf)
                               AND (c.revoked_on IS NULL OR c.revoked_on > \(asOf))
        WHERE e.enterprise_id = \(ids[index]) AND (e.hired_on IS NULL OR e.hired_on <= \(asOf))
          AND (e.left_on IS NULL OR e.left_on > \(asOf))
        """)
    floor.append(clock.now - started)
}
let (domainP50, domainP99) = percentiles(domain)
let (floorP50, floorP99) = percentiles(floor)
print(
    #"{"runs": \#(runs), "domain_p50_ms": \#(domainP50), "domain_p99_ms": \#(domainP99), "#
        + #""floor_p50_ms": \#(floorP50), "floor_p99_ms": \#(floorP99)}"#
)
