public import CalendarDates

extension CalendarDate {
    /// The earliest day a record here can carry: the founding of the People's Republic. The
    /// database refuses earlier dates too (sql/0013, docs/limits.md).
    public static let earliestRecord = CalendarDate(year: 1949, month: 10, day: 1)!
}

/// The bounds every record date shares, checked before the database would refuse the row.
enum RecordDates {
    static let beforeEarliest: Reason = "is before 1949-10-01; no record here is older than the People's Republic"

    /// Refuses a date before ``CalendarDate/earliestRecord``, naming `field`.
    static func check(_ date: CalendarDate?, field: Field) throws {
        if let date, date < .earliestRecord {
            throw WorkforceError.invalid(field: field, value: date.iso, reason: beforeEarliest)
        }
    }
}
