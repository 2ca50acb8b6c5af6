import CalendarDates
public import Workforce

extension LevelResult {
    public var json: JSON { .object(jsonMembers) }

    /// The members of ``json``, for listings that put the person's in front of them.
    var jsonMembers: [(String, JSON)] {
        [
            ("level", .string(level.rawValue)), ("passed", .bool(passed)),
            ("passed_year", passedYear.map(JSON.int) ?? .null), ("scope", .optional(scope)),
            (
                "subjects",
                .array(
                    subjects.map { attempt in
                        .object([
                            ("subject", .string(attempt.subject.rawValue)), ("year", .int(attempt.year)),
                            ("score", .number(attempt.score)), ("passed", .bool(attempt.passed)),
                        ])
                    })
            ),
            ("remaining", .array(remaining.map { .string($0.rawValue) })),
            ("earlier_passes_valid_through", earlierPassesValidThrough.map(JSON.int) ?? .null),
            ("pass_valid_through", passValidThrough.map(JSON.int) ?? .null),
        ]
    }
}

extension Listing {
    /// Exam sessions with their registration windows and how many registered.
    public static func examSessions(_ sessions: [ExamSession]) -> Listing {
        let headers = ["id", "year", "level", "exam_date", "registered", "windows"]
        let rows = sessions.map {
            [
                String($0.id), String($0.year), $0.level.rawValue, $0.examDate.iso, String($0.registrations),
                $0.windows.joined(separator: "; "),
            ]
        }
        return Listing(headers: headers, rows: rows, rightAligned: [0, 4]) {
            .array(
                sessions.map { session in
                    .object([
                        ("id", .int(session.id)), ("year", .int(session.year)),
                        ("level", .string(session.level.rawValue)),
                        ("exam_date", .string(session.examDate.iso)), ("registered", .int(session.registrations)),
                        ("windows", .array(session.windows.map(JSON.string))),
                    ])
                })
        }
        .terms([2: CertificateLevel.self])
    }

    /// How each person stands at each level. For one person (`idNumber`), JSON is one object with
    /// the person's levels; otherwise an array with one object per person and level.
    public static func levelResults(_ results: [LevelResult], idNumber: String?) -> Listing {
        let headers = [
            "id_number", "name", "level", "passed", "year", "scope", "subjects", "remaining", "valid_through",
        ]
        let rows = results.map { result in
            [
                result.idNumber, result.name, result.level.rawValue, result.passed ? "yes" : "no",
                result.passedYear.map(String.init) ?? "", result.scope ?? "",
                result.subjects.map { "\($0.subject.rawValue) \($0.year) \($0.score)\($0.passed ? "✓" : "✗")" }
                    .joined(separator: "; "),
                result.remaining.map(\.rawValue).joined(separator: ", "),
                result.earlierPassesValidThrough.map(String.init) ?? "",
            ]
        }
        return Listing(headers: headers, rows: rows) {
            if let idNumber {
                return .object([
                    ("id_number", .string(results.first?.idNumber ?? idNumber)),
                    ("levels", .array(results.map(\.json))),
                ])
            }
            return .array(
                results.map { result in
                    .object(
                        [("id_number", .string(result.idNumber)), ("name", .string(result.name))] + result.jsonMembers)
                })
        }
        .terms([2: CertificateLevel.self, 6: ExamSubject.self, 7: ExamSubject.self])
    }

    /// Registered → sat → passed → certified, per level and department.
    public static func examFunnel(_ lines: [ExamResults.FunnelLine]) -> Listing {
        let headers = ["level", "department", "registered", "sat", "passed", "certified"]
        let rows = lines.map {
            [
                $0.level.rawValue, $0.department?.rawValue ?? "all", String($0.registered), String($0.sat),
                String($0.passed),
                String($0.certified),
            ]
        }
        return Listing(headers: headers, rows: rows, rightAligned: [2, 3, 4, 5]) {
            .array(
                lines.map { line in
                    .object([
                        ("level", .string(line.level.rawValue)), ("department", .optional(line.department?.rawValue)),
                        ("registered", .int(line.registered)), ("sat", .int(line.sat)),
                        ("passed", .int(line.passed)), ("certified", .int(line.certified)),
                    ])
                })
        }
        .terms([0: CertificateLevel.self, 1: Department.self])
    }
}
