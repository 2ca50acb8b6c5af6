import CalendarDates
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
            (
                "quotas",
                .array(
                    quotas.map {
                        .object([
                            ("department", .string($0.department.rawValue)), ("seats", .int($0.seats)),
                            ("taken", .int($0.taken)),
                        ])
                    })
            ),
            ("cancelled", .bool(summary.cancelled)),
            ("capacity", .int(summary.capacity)), ("enrolled", .int(summary.enrolled)),
            ("waitlisted", .int(summary.waitlisted)), ("attended", .int(summary.attended)),
            (
                "enrollments",
                .array(
                    enrollments.map { line in
                        .object([
                            ("id_number", .string(line.idNumber)), ("name", .string(line.name)),
                            ("department", .string(line.department.rawValue)),
                            ("status", .string(line.status.rawValue)),
                            ("waitlist_position", line.waitlistPosition.map(JSON.int) ?? .null),
                            ("hours", line.hours.map(JSON.number) ?? .null),
                        ])
                    })
            ),
        ])
    }
}

extension EventDetail {
    /// The event for a terminal: what, when and where, seats and quotas, then everyone enrolled,
    /// with departments and states in `language`.
    public func text(language: Language = .zh) -> String {
        let event = summary
        var output =
            "\(event.id)  \(TerminalText.safe(event.title))  [\(event.kind.rawValue) \(event.kind.chineseName)]"
            + "\(event.cancelled ? "  CANCELLED" : "")\n"
        output +=
            "\(event.startsAt) – \(event.endsAt), \(event.hours) hours, organizer \(TerminalText.safe(event.organizer))"
            + "\(location.map { ", at \(TerminalText.safe($0))" } ?? "")\n"
        output +=
            "seats \(event.enrolled + event.attended)/\(event.capacity) taken, \(event.waitlisted) waiting, "
            + "\(event.attended) attended\n"
        for quota in quotas {
            output +=
                "  quota \(language.cell(quota.department.rawValue, Department.self)): \(quota.taken)/\(quota.seats)\n"
        }
        let rows = enrollments.map {
            [
                $0.idNumber, $0.name, language.cell($0.department.rawValue, Department.self),
                language.cell($0.status.rawValue, EnrollmentStatus.self),
                $0.waitlistPosition.map(String.init) ?? "", $0.hours ?? "",
            ]
        }
        return output
            + TextTable(
                headers: ["id number", "name", "department", "status", "waitlist", "hours"],
                rows: rows, rightAligned: [4, 5]
            ).render()
    }
}

extension Listing {
    /// Training events with their seats.
    public static func events(_ events: [EventSummary]) -> Listing {
        let headers = [
            "id", "kind", "title", "starts", "ends", "hours", "capacity", "organizer", "enrolled", "waitlisted",
            "attended",
            "cancelled",
        ]
        let rows = events.map { event in
            [
                String(event.id), event.kind.rawValue, event.title, event.startsAt.description,
                event.endsAt.description,
                event.hours, String(event.capacity), event.organizer, String(event.enrolled), String(event.waitlisted),
                String(event.attended), event.cancelled ? "yes" : "",
            ]
        }
        return Listing(headers: headers, rows: rows, rightAligned: [0, 5, 6, 8, 9, 10]) {
            .array(
                events.map { event in
                    .object([
                        ("id", .int(event.id)), ("kind", .string(event.kind.rawValue)), ("title", .string(event.title)),
                        ("starts_at", .string(event.startsAt.description)),
                        ("ends_at", .string(event.endsAt.description)),
                        ("hours", .number(event.hours)), ("capacity", .int(event.capacity)),
                        ("organizer", .string(event.organizer)),
                        ("enrolled", .int(event.enrolled)), ("waitlisted", .int(event.waitlisted)),
                        ("attended", .int(event.attended)), ("cancelled", .bool(event.cancelled)),
                    ])
                })
        }
        .terms([1: EventKind.self])
    }

    /// Hours credited per person; the table adds the totals by department and kind under it.
    public static func hours(_ report: HoursReport) -> Listing {
        let headers = ["id_number", "name", "enterprise", "department", "events", "hours"]
        let rows = report.people.map {
            [$0.idNumber, $0.name, $0.enterpriseUSCC, $0.department.rawValue, String($0.events), $0.hours]
        }
        var listing = Listing(headers: headers, rows: rows, rightAligned: [4, 5]) {
            .object([
                (
                    "people",
                    .array(
                        report.people.map { person in
                            .object([
                                ("id_number", .string(person.idNumber)), ("name", .string(person.name)),
                                ("enterprise_uscc", .string(person.enterpriseUSCC)),
                                ("department", .string(person.department.rawValue)),
                                ("events", .int(person.events)), ("hours", .number(person.hours)),
                            ])
                        })
                ),
                ("by_department", .object(report.byDepartment.map { ($0.0.rawValue, .number($0.1)) })),
                ("by_kind", .object(report.byKind.map { ($0.0.rawValue, .number($0.1)) })),
                ("total", .number(report.total)),
            ])
        }
        let departments = report.byDepartment.map { "\($0.0.rawValue) \($0.1)" }
        let kinds = report.byKind.map { "\($0.0.rawValue) \($0.1)" }
        listing.terms = [3: Department.self]
        listing.footerTerms = [Department.self, EventKind.self]
        listing.tableFooter = [
            "by department: " + (departments.isEmpty ? "none" : departments.joined(separator: ", ")),
            "by kind: " + (kinds.isEmpty ? "none" : kinds.joined(separator: ", ")),
            "total: \(report.total) hours",
        ]
        return listing
    }

    /// Who still needs training, and how much.
    public static func trainingGaps(_ gaps: [TrainingGap]) -> Listing {
        let headers = [
            "reason", "id_number", "name", "departments", "level", "period_start", "period_end", "credited", "required",
            "missing",
        ]
        let rows = gaps.map { gap in
            [
                gap.reason.rawValue, gap.idNumber, gap.name, gap.departments.map(\.rawValue).joined(separator: " "),
                gap.level?.rawValue ?? "", gap.periodStart?.iso ?? "", gap.periodEnd?.iso ?? "", gap.creditedHours,
                gap.requiredHours ?? "", gap.missingHours ?? "",
            ]
        }
        return Listing(headers: headers, rows: rows, rightAligned: [7, 8, 9]) {
            .array(
                gaps.map { gap in
                    .object([
                        ("reason", .string(gap.reason.rawValue)), ("id_number", .string(gap.idNumber)),
                        ("name", .string(gap.name)),
                        ("departments", .array(gap.departments.map { .string($0.rawValue) })),
                        ("level", .optional(gap.level?.rawValue)), ("period_start", .optional(gap.periodStart?.iso)),
                        ("period_end", .optional(gap.periodEnd?.iso)), ("credited_hours", .number(gap.creditedHours)),
                        ("required_hours", gap.requiredHours.map(JSON.number) ?? .null),
                        ("missing_hours", gap.missingHours.map(JSON.number) ?? .null),
                    ])
                })
        }
        .terms([0: TrainingGap.Reason.self, 3: Department.self, 4: CertificateLevel.self])
    }
}
