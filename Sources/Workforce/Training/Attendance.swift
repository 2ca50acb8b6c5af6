public import CalendarDates
public import Foundation
public import PostgresClient

/// Who attended a training event and the hours credited to them.
public struct Attendance {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    static let attendanceColumns = [
        ImportColumn.idNumber,
        ImportColumn("attended", aliases: ["出勤", "出席", "attendance", "status"], required: false),
        ImportColumn("hours", aliases: ["学时", "时长", "credited_hours"], required: false),
        ImportColumn("name", aliases: ["姓名"], required: false),
    ]

    /// Records one person's attendance after the event started; attended people are credited the
    /// event's hours, or `hours` for partial attendance.
    public func record(
        eventID: Int, idNumber: String, attended: Bool, hours: Decimal?, at: LocalDateTime, today: CalendarDate
    ) throws {
        let id = try Codes.validIDNumber(idNumber, today: today)
        try db.transaction { db in
            let event = try checkOpenForAttendance(eventID: eventID, at: at)
            if let hours, hours < 0 || hours > event.hoursValue {
                throw WorkforceError.invalid(
                    field: "hours", value: "\(hours)", reason: "must be between 0 and the event's \(event.hours) hours")
            }
            let updated = try db.execute(
                """
                UPDATE enrollment e
                SET status = CASE WHEN \(attended) THEN 'attended' ELSE 'absent' END::enrollment_status,
                    hours = CASE WHEN \(attended) THEN coalesce(\(hours), \(event.hoursValue)) END
                FROM person p
                WHERE p.id = e.person_id AND p.id_number = \(id) AND e.event_id = \(eventID)
                  AND e.status IN ('enrolled', 'attended', 'absent')
                """)
            guard updated == 1 else {
                throw WorkforceError.conflict(
                    """
                    the person with this ID number holds no seat in the event 「\(event.title)」; \
                    only enrolled people can attend
                    """)
            }
            try Audit.record(
                on: db, action: "attendance", subject: "event \(eventID)",
                detail: ["id_number": id, "attended": attended, "hours": hours.map { "\($0)" } ?? ""])
        }
    }

    /// Records attendance from a spreadsheet: id_number, attended (yes/no, 是/否, 出席/缺席;
    /// default yes) and hours (default the event's).
    public func record(eventID: Int, path: String, at: LocalDateTime, options: ImportOptions) throws -> ImportSummary {
        let event = try checkOpenForAttendance(eventID: eventID, at: at)
        let today = options.today
        let maximum = event.hoursValue
        let definition = ImportDefinition(
            action: "attendance file",
            columns: Attendance.attendanceColumns,
            stagingColumns: ["id_number text COLLATE \"C\"", "attended boolean", "hours numeric"],
            validate: { row in
                let id = row.code("id_number") { Codes.checkIDNumber($0, today: today) }
                // The name is not stored, but a row whose name no name could be is refused all the same.
                _ = row.text("name", .personName, required: false)
                let attendedText = row.value("attended").lowercased()
                var attended: Bool?
                switch attendedText {
                case "", "yes", "y", "true", "1", "attended", "是", "出席", "出勤", "到": attended = true
                case "no", "n", "false", "0", "absent", "否", "缺席", "缺勤", "未到": attended = false
                default: row.reject("attended", "write yes or no (是/否, 出席/缺席)")
                }
                var hours: Decimal?
                let hoursText = row.value("hours")
                if !hoursText.isEmpty {
                    if let value = Decimal(string: hoursText), value >= 0, value <= maximum {
                        hours = value
                    } else {
                        row.reject("hours", "must be a number between 0 and the event's \(maximum) hours")
                    }
                }
                guard row.errors.isEmpty, let attended else { return nil }
                return [id, attended ? "t" : "f", attended ? (hours.map { "\($0)" } ?? "\(maximum)") : nil]
            },
            crossChecks: [
                """
                SELECT s.line, 'id_number', s.id_number,
                       'holds no seat in the event 「' || ev.title || '」; only enrolled people can attend'
                FROM import_staging s JOIN training_event ev ON ev.id = \(eventID)
                WHERE NOT EXISTS (SELECT 1 FROM enrollment e JOIN person p ON p.id = e.person_id
                                  WHERE p.id_number = s.id_number AND e.event_id = \(eventID)
                                    AND e.status IN ('enrolled', 'attended', 'absent'))
                """
            ],
            merge: { db in
                let row = try db.query(
                    """
                    WITH source AS (
                        SELECT DISTINCT ON (id_number) id_number, attended, hours FROM import_staging
                        ORDER BY id_number, line DESC
                    ), changed AS (
                        UPDATE enrollment e
                        SET status = CASE WHEN s.attended THEN 'attended' ELSE 'absent' END::enrollment_status,
                            hours = s.hours
                        FROM source s JOIN person p ON p.id_number = s.id_number
                        WHERE e.person_id = p.id AND e.event_id = \(eventID)
                          AND (e.status, e.hours) IS DISTINCT FROM
                              (CASE WHEN s.attended THEN 'attended' ELSE 'absent' END::enrollment_status, s.hours)
                        RETURNING 1
                    )
                    SELECT (SELECT count(*) FROM source), (SELECT count(*) FROM changed)
                    """
                ).single()
                let total: Int = try row.decode(0), changed: Int = try row.decode(1)
                return (0, changed, total - changed)
            })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }

    private func checkOpenForAttendance(
        eventID: Int, at: LocalDateTime
    ) throws -> (hours: String, hoursValue: Decimal, title: String) {
        let event = try Events(db: db).state(ofEvent: eventID)
        if event.cancelled { throw WorkforceError.conflict("\(event.named) was cancelled; it credits no hours") }
        if at < event.startsAt || !event.started {
            throw WorkforceError.conflict(
                """
                \(event.named) has not started\(event.started ? " at \(at)" : " yet (Beijing time)"); attendance \
                is recorded, and hours credited, only once it has started
                """)
        }
        return (event.hours, Decimal(string: event.hours) ?? 0, event.title)
    }
}
