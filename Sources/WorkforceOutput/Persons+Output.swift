public import CalendarDates
public import Workforce

extension Listing {
    /// A page of the staff list; ID numbers whole or masked (first 6 and last 4) as `wholeIDNumbers`
    /// says. The table says which rows of how many it shows and how to get the next page; JSON
    /// carries the same as `total`, `offset` and `limit`.
    public static func staff(_ page: StaffPage, wholeIDNumbers: Bool) -> Listing {
        let headers = [
            "id_number", "name", "enterprise_uscc", "enterprise", "department", "hired_on", "left_on",
            "highest_level",
        ]
        let rows = page.lines.map { line in
            [
                shownIDNumber(line.idNumber, whole: wholeIDNumbers), line.name, line.enterpriseUSCC,
                line.enterpriseName, line.department.rawValue, line.hiredOn?.iso ?? "", line.leftOn?.iso ?? "",
                line.highestLevel?.rawValue ?? "",
            ]
        }
        var listing = Listing(headers: headers, rows: rows) {
            .object([
                ("as_of", .string(page.asOf.iso)), ("total", .int(page.total)), ("offset", .int(page.offset)),
                ("limit", page.limit.map(JSON.int) ?? .null),
                (
                    "staff",
                    .array(
                        rows.map { row in
                            .object(zip(headers, row).map { ($0, $1.isEmpty ? .null : .string($1)) })
                        })
                ),
            ])
        }
        listing.terms = [4: Department.self, 7: CertificateLevel.self]
        let shown =
            page.lines.isEmpty
            ? "none of \(page.total)" : "\(page.offset + 1)–\(page.offset + page.lines.count) of \(page.total)"
        var footer = "staff on \(page.asOf): \(shown)"
        if page.offset + page.lines.count < page.total {
            footer += "; the next page: --offset \(page.offset + page.lines.count)"
        }
        listing.tableFooter = [footer]
        return listing
    }
}

extension PersonRecord {
    /// The documented JSON object of a person; the ID number whole or masked as `wholeIDNumber` says.
    public func json(wholeIDNumber: Bool) -> JSON {
        .object([
            ("id_number", .string(shownIDNumber(idNumber, whole: wholeIDNumber))), ("name", .string(name)),
            ("gender", .string(gender)), ("birth_date", .string(birthDate.iso)),
            (
                "employments",
                .array(
                    employments.map {
                        .object([
                            ("enterprise_uscc", .string($0.enterpriseUSCC)), ("enterprise", .string($0.enterpriseName)),
                            ("department", .string($0.department.rawValue)), ("hired_on", .optional($0.hiredOn?.iso)),
                            ("left_on", .optional($0.leftOn?.iso)),
                        ])
                    })
            ),
            (
                "certificates",
                .array(
                    certificates.map {
                        .object([
                            ("level", .string($0.level.rawValue)), ("certificate_no", .string($0.number)),
                            ("issued_on", .string($0.issuedOn.iso)), ("revoked_on", .optional($0.revokedOn?.iso)),
                        ])
                    })
            ),
            (
                "training",
                .array(
                    training.map {
                        .object([
                            ("title", .string($0.title)), ("kind", .string($0.kind.rawValue)),
                            ("starts_at", .string($0.startsAt.description)), ("status", .string($0.status.rawValue)),
                            ("hours", $0.hours.map(JSON.number) ?? .null),
                        ])
                    })
            ),
            ("training_hours", .number(trainingHours)),
            (
                "exams",
                .array(
                    exams.map {
                        .object([
                            ("year", .int($0.year)), ("level", .string($0.level.rawValue)),
                            ("subject", .string($0.subject.rawValue)), ("score", .number($0.score)),
                            ("passed", .bool($0.passed)),
                        ])
                    })
            ),
        ])
    }

    /// The person for a terminal: who, then a table per part, terms in `language`.
    public func text(wholeIDNumber: Bool, language: Language = .zh) -> String {
        func term(_ code: String, _ vocabulary: any Vocabulary.Type) -> String { language.cell(code, vocabulary) }
        let gender = language == .zh ? (self.gender == "M" ? "男" : "女") : self.gender
        var output =
            "\(TerminalText.safe(name))  \(shownIDNumber(idNumber, whole: wholeIDNumber))  \(gender)  "
            + "born \(birthDate.iso)\n\nemployments\n"
        output += TextTable(
            headers: ["enterprise_uscc", "enterprise", "department", "hired_on", "left_on"],
            rows: employments.map {
                [
                    $0.enterpriseUSCC, $0.enterpriseName, term($0.department.rawValue, Department.self),
                    $0.hiredOn?.iso ?? "", $0.leftOn?.iso ?? "",
                ]
            }
        ).render()
        output += "\ncertificates\n"
        output += TextTable(
            headers: ["level", "certificate_no", "issued_on", "revoked_on"],
            rows: certificates.map {
                [term($0.level.rawValue, CertificateLevel.self), $0.number, $0.issuedOn.iso, $0.revokedOn?.iso ?? ""]
            }
        ).render()
        output += "\ntraining (\(trainingHours) hours credited)\n"
        output += TextTable(
            headers: ["starts", "kind", "title", "status", "hours"],
            rows: training.map {
                [
                    $0.startsAt.description, term($0.kind.rawValue, EventKind.self), $0.title,
                    term($0.status.rawValue, EnrollmentStatus.self), $0.hours ?? "",
                ]
            }, rightAligned: [4]
        ).render()
        output += "\nexams\n"
        output += TextTable(
            headers: ["year", "level", "subject", "score", "passed"],
            rows: exams.map {
                [
                    String($0.year), term($0.level.rawValue, CertificateLevel.self),
                    term($0.subject.rawValue, ExamSubject.self), $0.score,
                    language == .zh ? ($0.passed ? "合格" : "不合格") : ($0.passed ? "yes" : "no"),
                ]
            }, rightAligned: [0, 3]
        ).render()
        return output
    }
}
