public import PostgresClient
public import Workforce

extension EventDetail {
    /// The documented JSON object of an event with its enrollments.
    public var json: JSON {
        .object([
            ("id", .int(summary.id)), ("kind", .string(summary.kind.rawValue)), ("title", .string(summary.title)),
            ("starts_at", .string(summary.startsAt.description)), ("ends_at", .string(summary.endsAt.description)),
            ("hours", .number(summary.hours)), ("organizer", .string(summary.organizer)),
            ("location", .optional(location)),
            ("audience", audience.map { .array($0.map { .string($0.rawValue) }) } ?? .null),
            ("quotas", .array(quotas.map { .object([
                ("department", .string($0.department.rawValue)), ("seats", .int($0.seats)), ("taken", .int($0.taken)),
            ]) })),
            ("cancelled", .bool(summary.cancelled)),
            ("capacity", .int(summary.capacity)), ("enrolled", .int(summary.enrolled)),
            ("waitlisted", .int(summary.waitlisted)), ("attended", .int(summary.attended)),
            ("enrollments", .array(enrollments.map { line in
                .object([
                    ("id_number", .string(line.idNumber)), ("name", .string(line.name)),
                    ("department", .string(line.department.rawValue)), ("status", .string(line.status.rawValue)),
                    ("waitlist_position", line.waitlistPosition.map(JSON.int) ?? .null),
                    ("hours", line.hours.map(JSON.number) ?? .null),
                ])
            })),
        ])
    }
}
