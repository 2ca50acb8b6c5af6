public import CalendarDates
public import PostgresClient

/// Where one certificate stands with its registration (登记) and continuing education.
public struct CertificateStatus: Sendable, Equatable {
    public enum State: String, Vocabulary {
        /// Never registered, and the first registration is still possible.
        case unregistered
        /// Never registered, and the deadline for the first registration has passed.
        case overdue
        case registered
        /// Registered, and within the window before it lapses: re-register now.
        case renewalDue = "renewal_due"
        case lapsed

        public var chineseName: String {
            switch self {
            case .unregistered: "未登记"
            case .overdue: "逾期未登记"
            case .registered: "已登记"
            case .renewalDue: "应再登记"
            case .lapsed: "登记失效"
            }
        }
    }
    public let certificateNo: String
    public let idNumber: String
    public let name: String
    public let level: CertificateLevel
    public let issuedOn: CalendarDate
    public let state: State
    /// The registration in force runs until this day (exclusive); nil when never registered.
    public let validUntil: CalendarDate?
    /// The day by which the next registration is due: the first one, or the renewal.
    public let dueBy: CalendarDate
    public let creditedHours: String
    public let requiredHours: String
}

/// Certificate registration: first registration within a year of issue, valid three years, then
/// re-registration in the months before it lapses with the continuing-education hours of the
/// period (registration_rule and continuing_education_rule hold the numbers).
public struct CertificateRegistry {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    struct Rule {
        let firstWithinMonths: Int
        let periodYears: Int
        let renewalWindowMonths: Int
    }

    func rule() throws -> Rule {
        let row = try db.query(
            """
            SELECT first_within_months, period_years, renewal_window_months FROM registration_rule
            WHERE jurisdiction = 'national'
            """
        ).single()
        return Rule(
            firstWithinMonths: try row.decode(0), periodYears: try row.decode(1), renewalWindowMonths: try row.decode(2)
        )
    }

    /// Records a registration of a certificate on a day, first or renewal, refusing it with the
    /// reason outside the allowed window or without the continuing-education hours a renewal needs.
    /// Returns the day the registration runs until.
    public func register(certificateNo: String, on date: CalendarDate, today: CalendarDate) throws -> CalendarDate {
        guard date <= today else {
            throw WorkforceError.invalid(field: "on", value: date.iso, reason: "is after today (\(today))")
        }
        let rule = try self.rule()
        return try db.transaction { db in
            let rows = try db.query(
                """
                SELECT c.id, c.issued_on, c.revoked_on,
                       (SELECT r.valid_until FROM certificate_registration r WHERE r.certificate_id = c.id
                        ORDER BY r.registered_on DESC LIMIT 1),
                       ce.starts_on, ce.required_hours::text, ce.credited_hours::text,
                       ce.credited_hours >= ce.required_hours
                FROM certificate c
                LEFT JOIN LATERAL continuing_education_period(c.id, \(date)) ce ON true
                WHERE c.certificate_no = \(certificateNo.trimmingSpaces)
                FOR UPDATE OF c
                """)
            guard let row = rows.first else {
                throw WorkforceError.notFound("no certificate has number \(certificateNo)")
            }
            let certificateID: Int = try row.decode(0), issued: CalendarDate = try row.decode(1)
            let revoked: CalendarDate? = try row.decode(2)
            if let revoked, revoked <= date {
                throw WorkforceError.conflict("certificate \(certificateNo) was revoked on \(revoked)")
            }
            guard date >= issued else {
                throw WorkforceError.invalid(
                    field: "on", value: date.iso, reason: "is before the certificate was issued (\(issued))")
            }
            let lastValidUntil: CalendarDate? = try row.decode(3)
            let validUntil: CalendarDate
            if let lastValidUntil {
                let opens = lastValidUntil.adding(months: -rule.renewalWindowMonths)
                guard date >= opens, date < lastValidUntil else {
                    throw WorkforceError.conflict(
                        date < opens
                            ? """
                            re-registration of \(certificateNo) opens on \(opens), \(rule.renewalWindowMonths) months \
                            before the registration lapses on \(lastValidUntil)
                            """
                            : """
                            the registration of \(certificateNo) lapsed on \(lastValidUntil); it can no longer be \
                            renewed
                            """
                    )
                }
                // The hours of the continuing-education period in force (continuing_education_period),
                // compared as numeric by the database.
                let periodStart: CalendarDate = try row.decode(4)
                let required: String = try row.decode(5), credited: String = try row.decode(6)
                guard try row.decode(7, as: Bool.self) else {
                    throw WorkforceError.conflict(
                        """
                        re-registration of \(certificateNo) needs \(required) hours of continuing education since \
                        \(periodStart); \(credited) are credited
                        """
                    )
                }
                validUntil = lastValidUntil.adding(months: 12 * rule.periodYears)
            } else {
                let deadline = issued.adding(months: rule.firstWithinMonths)
                guard date <= deadline else {
                    throw WorkforceError.conflict(
                        """
                        the first registration of \(certificateNo) was due by \(deadline), within \
                        \(rule.firstWithinMonths) months of issue
                        """
                    )
                }
                validUntil = date.adding(months: 12 * rule.periodYears)
            }
            try db.execute(
                """
                INSERT INTO certificate_registration (certificate_id, registered_on, valid_until, renewal)
                VALUES (\(certificateID), \(date), \(validUntil), \(lastValidUntil != nil))
                """)
            try Audit.record(
                on: db, action: "certificate register", subject: certificateNo,
                detail: ["on": date.iso, "valid_until": validUntil.iso])
            return validUntil
        }
    }

    /// The registration state of every certificate held on a day by an enterprise's or region's
    /// tracked staff (or everyone's), or by one person (`personID`, employed or not), with the
    /// continuing-education hours of the current period.
    public func status(
        enterpriseUSCC: String? = nil, region: String? = nil, personID: Int? = nil, asOf: CalendarDate
    ) throws -> [CertificateStatus] {
        let uscc = try enterpriseUSCC.map { try Codes.validUSCC($0) }
        let regionCode = try region.map { try Regions(db: db).known($0) }
        let rule = try self.rule()
        let rows = try db.query(
            """
            SELECT c.certificate_no, p.id_number, p.name, c.level::text, c.issued_on, last.registered_on,
                   last.valid_until,
                   ce.required_hours::text, ce.credited_hours::text
            FROM certificate c
            JOIN person p ON p.id = c.person_id
            CROSS JOIN LATERAL continuing_education_period(c.id, \(asOf)) ce
            LEFT JOIN LATERAL (SELECT r.registered_on, r.valid_until FROM certificate_registration r
                               WHERE r.certificate_id = c.id AND r.registered_on <= \(asOf)
                               ORDER BY r.registered_on DESC LIMIT 1) last ON true
            WHERE certificate_valid_on(c.issued_on, c.revoked_on, \(asOf))
              AND (c.person_id = \(personID)
                   OR \(personID)::bigint IS NULL
                      AND EXISTS (SELECT 1 FROM employment em JOIN enterprise en ON en.id = em.enterprise_id
                          WHERE em.person_id = c.person_id AND employment_active_on(em.hired_on, em.left_on, \(asOf))
                            AND (\(uscc)::text IS NULL OR en.uscc = \(uscc))
                            AND in_region(en.region_code, \(regionCode))))
            ORDER BY p.id_number, c.issued_on
            """)
        return try rows.map { row in
            let issued: CalendarDate = try row.decode(4)
            let validUntil: CalendarDate? = try row.decode(6)
            let state: CertificateStatus.State
            let dueBy: CalendarDate
            if let validUntil {
                dueBy = validUntil
                state =
                    asOf >= validUntil
                    ? .lapsed
                    : asOf >= validUntil.adding(months: -rule.renewalWindowMonths) ? .renewalDue : .registered
            } else {
                dueBy = issued.adding(months: rule.firstWithinMonths)
                state = asOf > dueBy ? .overdue : .unregistered
            }
            return CertificateStatus(
                certificateNo: try row.decode(0), idNumber: try row.decode(1), name: try row.decode(2),
                level: try row.decode(3), issuedOn: issued, state: state, validUntil: validUntil,
                dueBy: dueBy, creditedHours: try row.decode(8), requiredHours: try row.decode(7))
        }
    }
}
