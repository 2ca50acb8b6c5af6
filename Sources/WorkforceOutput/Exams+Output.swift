public import PostgresClient
public import Workforce

extension LevelResult {
    public var json: JSON {
        .object([
            ("level", .string(level.rawValue)), ("passed", .bool(passed)),
            ("passed_year", passedYear.map(JSON.int) ?? .null), ("scope", .optional(scope)),
            ("subjects", .array(subjects.map { attempt in
                .object([("subject", .string(attempt.subject.rawValue)), ("year", .int(attempt.year)),
                         ("score", .number(attempt.score)), ("passed", .bool(attempt.passed))])
            })),
            ("remaining", .array(remaining.map { .string($0.rawValue) })),
            ("earlier_passes_valid_through", earlierPassesValidThrough.map(JSON.int) ?? .null),
            ("pass_valid_through", passValidThrough.map(JSON.int) ?? .null),
        ])
    }
}
