import CalendarDates
public import Workforce

extension Listing {
    /// Enterprises: USCC, name, region and employee count.
    public static func enterprises(_ enterprises: [Enterprise], format: OutputFormat) -> Listing {
        // The table says "region", CSV and JSON the column's name.
        let headers = ["uscc", "name", format == .table ? "region" : "region_code", "employees"]
        let rows = enterprises.map { [$0.uscc, $0.name, $0.regionCode, $0.employees.map(String.init) ?? ""] }
        return Listing(headers: headers, rows: rows, rightAligned: [3]) {
            .array(
                enterprises.map { enterprise in
                    .object([
                        ("uscc", .string(enterprise.uscc)), ("name", .string(enterprise.name)),
                        ("region_code", .string(enterprise.regionCode)),
                        ("employees", enterprise.employees.map(JSON.int) ?? .null),
                    ])
                })
        }
    }

    /// A person's name changes, oldest first: the name before and after, when (Beijing time), who and why.
    public static func nameHistory(_ changes: [NameChange]) -> Listing {
        Listing(
            records: RecordTable(
                headers: ["changed_at", "old_name", "new_name", "changed_by", "reason"],
                rows: changes.map { [$0.changedAt, $0.oldName, $0.newName, $0.changedBy, $0.reason ?? ""] }))
    }

    /// Each certificate's registration state, due date and continuing-education hours.
    public static func certificateStatuses(_ statuses: [CertificateStatus]) -> Listing {
        let headers = [
            "certificate_no", "id_number", "name", "level", "issued_on", "state", "valid_until", "due_by", "hours",
            "required",
        ]
        let rows = statuses.map {
            [
                $0.certificateNo, $0.idNumber, $0.name, $0.level.rawValue, $0.issuedOn.iso, $0.state.rawValue,
                $0.validUntil?.iso ?? "", $0.dueBy.iso, $0.creditedHours, $0.requiredHours,
            ]
        }
        return Listing(headers: headers, rows: rows, rightAligned: [8, 9]) {
            .array(
                statuses.map { status in
                    .object([
                        ("certificate_no", .string(status.certificateNo)), ("id_number", .string(status.idNumber)),
                        ("name", .string(status.name)), ("level", .string(status.level.rawValue)),
                        ("issued_on", .string(status.issuedOn.iso)), ("state", .string(status.state.rawValue)),
                        ("valid_until", .optional(status.validUntil?.iso)), ("due_by", .string(status.dueBy.iso)),
                        ("credited_hours", .number(status.creditedHours)),
                        ("required_hours", .number(status.requiredHours)),
                    ])
                })
        }
        .terms([3: CertificateLevel.self, 5: CertificateStatus.State.self])
    }
}
