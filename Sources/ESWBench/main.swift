// In-process benchmark of one enterprise's ratio through the domain API, against a raw libpq
// floor: the same numbers (counts, ratio, levels, departments) from one hand-written query over
// the base tables on the same connection, run alternately with the domain call for the same
// enterprise and checked equal to it (exit 1 on a difference). scripts/bench runs it; it prints
// one JSON object.
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
let service = RatioService(db: db)
var generator = SystemRandomNumberGenerator()
let picks = (0..<runs).map { _ in Int.random(in: 0..<codes.count, using: &generator) }

func percentiles(_ samples: [Duration]) -> (p50: Double, p99: Double) {
    let sorted = samples.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000 }
        .sorted()
    return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
}

/// One line per department and one for the whole enterprise ("all", with the levels): the
/// numbers both sides must agree on.
func lines(_ entry: RatioEntry) -> [String] {
    let counts = entry.counts
    let levels = entry.levels
    return [
        "all \(counts.tracked) \(counts.certified) \(counts.ratio ?? "-") "
            + "\(levels.junior) \(levels.intermediate) \(levels.senior)"
    ]
        + entry.departments.map {
            "\($0.department.rawValue) \($0.counts.tracked) \($0.counts.certified) \($0.counts.ratio ?? "-")"
        }
}

/// The floor: the enterprise's active employments with each person's highest level that day
/// (by index), counted by department and in all.
func floor(_ db: Connection, uscc: String, asOf: CalendarDate) throws -> [String] {
    try db.query(
        """
        WITH s AS (
            SELECT e.person_id, e.department,
                   (SELECT max(c.level) FROM certificate c WHERE c.person_id = e.person_id
                    AND c.issued_on <= \(asOf) AND (c.revoked_on IS NULL OR c.revoked_on > \(asOf))) AS level
            FROM employment e JOIN enterprise en ON en.id = e.enterprise_id
            WHERE en.uscc = \(uscc) AND (e.hired_on IS NULL OR e.hired_on <= \(asOf))
              AND (e.left_on IS NULL OR e.left_on > \(asOf)))
        SELECT grouping(department), department::text, count(DISTINCT person_id),
               count(DISTINCT person_id) FILTER (WHERE level IS NOT NULL),
               round((count(DISTINCT person_id) FILTER (WHERE level IS NOT NULL))::numeric
                     / nullif(count(DISTINCT person_id), 0), 4)::text,
               count(DISTINCT person_id) FILTER (WHERE level = 'junior'),
               count(DISTINCT person_id) FILTER (WHERE level = 'intermediate'),
               count(DISTINCT person_id) FILTER (WHERE level = 'senior')
        FROM s GROUP BY GROUPING SETS ((department), ())
        ORDER BY grouping(s.department) DESC, s.department
        """
    ).map { row in
        let ratio = try row.decode(4, as: String?.self) ?? "-"
        if try row.decode(0, as: Int.self) == 1 {
            return "all \(try row.decode(2, as: Int.self)) \(try row.decode(3, as: Int.self)) \(ratio) "
                + "\(try row.decode(5, as: Int.self)) \(try row.decode(6, as: Int.self)) "
                + "\(try row.decode(7, as: Int.self))"
        }
        return "\(try row.decode(1, as: String.self)) \(try row.decode(2, as: Int.self)) "
            + "\(try row.decode(3, as: Int.self)) \(ratio)"
    }
}

let clock = ContinuousClock()
// Warm up plans and caches for both paths.
for index in picks.prefix(20) {
    _ = try service.enterprise(uscc: codes[index], asOf: asOf)
    _ = try floor(db, uscc: codes[index], asOf: asOf)
}

// Alternately, for the same enterprise, each side first in every other pair: the second reads the
// enterprise's pages from shared buffers where the first brought them in, which matters once the
// tables outgrow shared_buffers (always the domain first made the floor's side look flat at 5M).
var domain: [Duration] = []
var floorTimes: [Duration] = []
for (pair, index) in picks.enumerated() {
    func timedDomain() throws -> [String] {
        let started = clock.now
        let entry = try service.enterprise(uscc: codes[index], asOf: asOf)
        domain.append(clock.now - started)
        return lines(entry)
    }
    func timedFloor() throws -> [String] {
        let started = clock.now
        let hand = try floor(db, uscc: codes[index], asOf: asOf)
        floorTimes.append(clock.now - started)
        return hand
    }
    let ours: [String]
    let hand: [String]
    if pair.isMultiple(of: 2) {
        ours = try timedDomain()
        hand = try timedFloor()
    } else {
        hand = try timedFloor()
        ours = try timedDomain()
    }
    if hand != ours {
        FileHandle.standardError.write(Data("esw-bench: the floor's numbers differ from the domain's\n".utf8))
        exit(1)
    }
}
let (domainP50, domainP99) = percentiles(domain)
let (floorP50, floorP99) = percentiles(floorTimes)
print(
    #"{"runs": \#(runs), "domain_p50_ms": \#(domainP50), "domain_p99_ms": \#(domainP99), "#
        + #""floor_p50_ms": \#(floorP50), "floor_p99_ms": \#(floorP99)}"#
)
