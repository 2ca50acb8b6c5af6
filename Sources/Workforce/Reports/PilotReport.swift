public import CalendarDates
import Foundation
import PostgresClient

/// What an application covers: its applicant, the enterprises involved, and the period the
/// report looks at.
public struct PilotScope: Sendable, Equatable {
    public enum Kind: String, Sendable { case region, enterprise, serviceOrg = "service_org" }

    public let applicationID: Int
    public let programName: String
    public let programDocument: String?
    public let kind: Kind
    /// The region code or the USCC of the applicant.
    public let applicantCode: String
    public let applicantName: String
    /// The applicant's region (the region itself, or where the unit is).
    public let regionCode: String
    /// The applicant's region by its full name (sql/0026 `region_full_name`): "广东省深圳市".
    public let regionName: String
    public let status: ApplicationStatus
    public let submittedOn: CalendarDate
    public let inPilotOn: CalendarDate?
    public let plan: String?
    public let from: CalendarDate
    public let to: CalendarDate
    /// A region's enterprises; the enterprise; or the enterprises a service organization served
    /// or was paid for (its service records and funding entries).
    public let enterpriseIDs: [Int]
    let serviceOrgID: Int?

    /// The enrollments (e) in training events (ev) that belong to the pilot: its enterprises'
    /// staff, in events held in the period and not cancelled.
    var trainingCondition: SQLQuery {
        """
        e.enterprise_id = ANY (\(enterpriseIDs)) AND ev.cancelled_at IS NULL
        AND ev.starts_at >= \(from)::date AND ev.starts_at < \(to)::date + 1
        """
    }

    /// The region to hand to the ratio functions, so that a region's filter reaches their scan.
    var ratioRegion: String? { kind == .region ? applicantCode : nil }
}

/// The report of one pilot region or unit for a period: the five work areas of the notice, each
/// at the start and the end of the period or summed over it. The pilot is judged on change.
public struct PilotReport: Sendable {
    public struct EnterpriseLine: Sendable, Equatable {
        public let uscc: String
        public let name: String
        public let regionCode: String
        public let start: RatioCounts
        public let end: RatioCounts
    }
    public struct DepartmentLine: Sendable, Equatable {
        public let department: Department
        public let start: RatioCounts
        public let end: RatioCounts
    }
    public struct TrainingLine: Sendable, Equatable {
        public let kind: EventKind
        public let events: Int
        public let enrolled: Int
        public let participants: Int
        /// Attended hours summed over people, exact decimal text.
        public let personHours: String
    }
    public struct PostLine: Sendable, Equatable {
        public let enterprise: String
        public let department: Department
        public let title: String
        public let createdOn: CalendarDate
        public let filledByName: String?
        public let filledByIDNumber: String?
    }
    public struct OrganizationLine: Sendable, Equatable {
        public let uscc: String
        public let name: String
        public let regionCode: String
        public let foundedOn: CalendarDate?
        public let foundedInPeriod: Bool
        public let servicesInPeriod: Int
    }
    public struct ServiceLine: Sendable, Equatable {
        public let kind: ServiceKind
        public let count: Int
        public let beneficiaries: Int
        public let volunteers: Int
        public let hours: String
    }
    public struct FundingLine: Sendable, Equatable {
        public let source: FundingSource
        public let count: Int
        /// Yuan, exact to the fen.
        public let amount: String
    }

    public static let schemaVersion = 1
    public let scope: PilotScope
    public let enterprises: [EnterpriseLine]
    public let totalStart: RatioCounts
    public let totalEnd: RatioCounts
    /// Certified staff by the highest level held, at the start and the end of the period.
    public let levelsStart: LevelCounts
    public let levelsEnd: LevelCounts
    public let departments: [DepartmentLine]
    public let training: [TrainingLine]
    public let funnel: [ExamResults.FunnelLine]
    public let postsBefore: Int
    public let posts: [PostLine]
    public let practitionersStart: Int
    public let practitionersEnd: Int
    public let organizations: [OrganizationLine]
    public let services: [ServiceLine]
    public let funding: [FundingLine]
    public let fundingTotal: String

    public var postsFilled: Int { posts.filter { $0.filledByName != nil }.count }
    public var organizationsFounded: Int { organizations.filter(\.foundedInPeriod).count }
}

extension PilotReport {
    /// The exact sum of decimal texts, shown with two places ("78.00").
    public static func sum(_ texts: [String]) -> String {
        twoPlaces(texts.compactMap { Decimal(string: $0) }.reduce(0, +))
    }
}

extension Reports {
    /// Resolves an application to what its reports cover. The period defaults to the pilot year:
    /// from the day the application entered the pilot (or the day after the program's
    /// confirmation deadline, if it has not) for the program's pilot months.
    public func pilotScope(applicationID: Int, from: CalendarDate? = nil, to: CalendarDate? = nil) throws -> PilotScope
    {
        let rows = try db.query(
            """
            SELECT a.status::text, a.submitted_on, a.plan, a.region_code, a.enterprise_id, a.service_org_id,
                   pr.name, pr.document, pr.confirm_by, pr.pilot_months,
                   coalesce(en.name, o.name, region_full_name(r.code), a.region_code),
                   coalesce(en.uscc, o.uscc, a.region_code)::text,
                   coalesce(a.region_code, en.region_code, o.region_code)::text,
                   (SELECT min(on_date) FROM pilot_application_event ev WHERE ev.application_id = a.id
                    AND ev.to_status = 'in_pilot')
            FROM pilot_application a
            JOIN pilot_program pr ON pr.id = a.program_id
            LEFT JOIN enterprise en ON en.id = a.enterprise_id
            LEFT JOIN service_org o ON o.id = a.service_org_id
            LEFT JOIN region r ON r.code = a.region_code
            WHERE a.id = \(applicationID)
            """)
        guard let row = rows.first else {
            throw WorkforceError.notFound("no pilot application has id \(applicationID)")
        }
        let regionApplicant: String? = try row.decode(3)
        let regionCode: String = try row.decode(12)
        let enterpriseApplicant: Int? = try row.decode(4)
        let orgApplicant: Int? = try row.decode(5)
        let confirmBy: CalendarDate = try row.decode(8)
        let pilotMonths: Int = try row.decode(9)
        let inPilotOn: CalendarDate? = try row.decode(13)
        let start = from ?? inPilotOn ?? confirmBy.adding(days: 1)
        let end = to ?? start.adding(months: pilotMonths).adding(days: -1)
        guard end >= start else {
            // Name the start the person gave, or say where the default one comes from.
            let reason: Reason =
                from == nil ? "is before the start of the pilot year \(start)" : "is before \(field: "from") \(start)"
            throw WorkforceError.invalid(field: "to", value: end.iso, reason: reason)
        }
        let kind: PilotScope.Kind
        let enterpriseIDs: [Int]
        if let regionApplicant {
            kind = .region
            enterpriseIDs = try db.query(
                "SELECT id FROM enterprise WHERE in_region(region_code, \(regionApplicant)) ORDER BY id"
            ).map { try $0.decode(0) }
        } else if let enterpriseApplicant {
            kind = .enterprise
            enterpriseIDs = [enterpriseApplicant]
        } else {
            kind = .serviceOrg
            enterpriseIDs = try db.query(
                """
                SELECT enterprise_id FROM service_record WHERE provider_org_id = \(orgApplicant) AND served_on <= \(end)
                UNION
                SELECT enterprise_id FROM funding WHERE provider_org_id = \(orgApplicant) AND enterprise_id IS NOT NULL
                    AND received_on <= \(end)
                ORDER BY 1
                """
            ).map { try $0.decode(0) }
        }
        return PilotScope(
            applicationID: applicationID, programName: try row.decode(6), programDocument: try row.decode(7),
            kind: kind,
            applicantCode: try row.decode(11), applicantName: try row.decode(10), regionCode: regionCode,
            regionName: try Regions(db: db).divisions([regionCode])[regionCode]?.fullName ?? regionCode,
            status: try row.decode(0),
            submittedOn: try row.decode(1), inPilotOn: inPilotOn, plan: try row.decode(2), from: start, to: end,
            enterpriseIDs: enterpriseIDs, serviceOrgID: orgApplicant)
    }

    /// The pilot report of an application for its period (default: the pilot year).
    public func pilot(applicationID: Int, from: CalendarDate? = nil, to: CalendarDate? = nil, today: CalendarDate)
        throws -> PilotReport
    {
        let scope = try pilotScope(applicationID: applicationID, from: from, to: to)
        return try pilot(scope: scope, today: today)
    }

    func pilot(scope: PilotScope, today: CalendarDate) throws -> PilotReport {
        let ids = scope.enterpriseIDs, from = scope.from, to = scope.to
        let region = scope.ratioRegion
        func counts(_ row: Row, _ offset: Int) throws -> RatioCounts {
            RatioCounts(
                tracked: try row.decode(offset), certified: try row.decode(offset + 1),
                ratio: try row.decode(offset + 2))
        }
        var enterprises: [PilotReport.EnterpriseLine] = []
        var totalStart = RatioCounts(tracked: 0, certified: 0, ratio: nil), totalEnd = totalStart
        var levelsStart = LevelCounts(), levelsEnd = LevelCounts()
        // Each date's counts from the maintained figure where it holds the date, else computed.
        let ratio = RatioService(db: db)
        let (heldFrom, heldTo) = (
            try ratio.holds(asOf: from, registeredOnly: false), try ratio.holds(asOf: to, registeredOnly: false)
        )
        let (startCounts, finishCounts) = (
            ratio.enterpriseCounts(asOf: from, region: region, registeredOnly: false, held: heldFrom),
            ratio.enterpriseCounts(asOf: to, region: region, registeredOnly: false, held: heldTo)
        )
        let (startDepartments, finishDepartments) = (
            ratio.departmentCounts(asOf: from, region: region, registeredOnly: false, held: heldFrom),
            ratio.departmentCounts(asOf: to, region: region, registeredOnly: false, held: heldTo)
        )
        for row in try db.query(
            """
            WITH start AS (SELECT * FROM \(startCounts) c WHERE c.enterprise_id = ANY (\(ids))),
                 finish AS (SELECT * FROM \(finishCounts) c WHERE c.enterprise_id = ANY (\(ids)))
            SELECT grouping(en.uscc), en.uscc, min(en.name), min(en.region_code),
                   coalesce(sum(s.tracked), 0)::bigint, coalesce(sum(s.certified), 0)::bigint,
                   certified_ratio(sum(s.certified)::bigint, sum(s.tracked)::bigint)::text,
                   coalesce(sum(f.tracked), 0)::bigint, coalesce(sum(f.certified), 0)::bigint,
                   certified_ratio(sum(f.certified)::bigint, sum(f.tracked)::bigint)::text,
                   coalesce(sum(s.junior), 0)::bigint, coalesce(sum(s.intermediate), 0)::bigint,
                   coalesce(sum(s.senior), 0)::bigint, coalesce(sum(f.junior), 0)::bigint,
                   coalesce(sum(f.intermediate), 0)::bigint, coalesce(sum(f.senior), 0)::bigint
            FROM enterprise en
            LEFT JOIN start s ON s.enterprise_id = en.id
            LEFT JOIN finish f ON f.enterprise_id = en.id
            WHERE en.id = ANY (\(ids))
            GROUP BY GROUPING SETS ((en.uscc), ())
            ORDER BY 1, 10 DESC NULLS LAST, 9 DESC, 2
            """)
        {
            if try row.decode(0, as: Int.self) == 0 {
                enterprises.append(
                    .init(
                        uscc: try row.decode(1), name: try row.decode(2), regionCode: try row.decode(3),
                        start: try counts(row, 4), end: try counts(row, 7)))
            } else {
                totalStart = try counts(row, 4)
                totalEnd = try counts(row, 7)
                levelsStart = LevelCounts(
                    junior: try row.decode(10), intermediate: try row.decode(11), senior: try row.decode(12))
                levelsEnd = LevelCounts(
                    junior: try row.decode(13), intermediate: try row.decode(14), senior: try row.decode(15))
            }
        }
        let departments = try db.query(
            """
            WITH start AS (SELECT department, sum(tracked) AS tracked, sum(certified) AS certified
                           FROM \(startDepartments) d WHERE d.enterprise_id = ANY (\(ids))
                           GROUP BY department),
                 finish AS (SELECT department, sum(tracked) AS tracked, sum(certified) AS certified
                            FROM \(finishDepartments) d WHERE d.enterprise_id = ANY (\(ids))
                            GROUP BY department)
            SELECT coalesce(s.department, f.department)::text,
                   coalesce(s.tracked, 0)::bigint, coalesce(s.certified, 0)::bigint,
                   certified_ratio(s.certified::bigint, s.tracked::bigint)::text,
                   coalesce(f.tracked, 0)::bigint, coalesce(f.certified, 0)::bigint,
                   certified_ratio(f.certified::bigint, f.tracked::bigint)::text
            FROM start s FULL JOIN finish f ON f.department = s.department
            ORDER BY coalesce(s.department, f.department)
            """
        ).map { row in
            PilotReport.DepartmentLine(
                department: try row.decode(0), start: try counts(row, 1),
                end: try counts(row, 4))
        }
        let training = try db.query(
            """
            SELECT ev.kind::text, count(DISTINCT ev.id), count(*) FILTER (WHERE e.status <> 'cancelled'),
                   count(DISTINCT e.person_id) FILTER (WHERE e.status = 'attended'),
                   coalesce(sum(e.hours) FILTER (WHERE e.status = 'attended'), 0)::text
            FROM enrollment e
            JOIN training_event ev ON ev.id = e.event_id
            WHERE \(scope.trainingCondition)
            GROUP BY ev.kind ORDER BY ev.kind
            """
        ).map { row in
            PilotReport.TrainingLine(
                kind: try row.decode(0), events: try row.decode(1), enrolled: try row.decode(2),
                participants: try row.decode(3), personHours: try row.decode(4))
        }
        let funnel = try ExamResults(db: db).funnel(enterpriseIDs: ids, from: from, to: to, today: today)
        let postsBefore: Int = try db.query(
            """
            SELECT count(*) FROM social_work_post WHERE enterprise_id = ANY (\(ids)) AND created_on < \(from)
            """
        ).single().decode(0)
        let records = WorkAreaFilter(scope: scope)
        let posts = try Posts(db: db).list(records).map { post in
            PilotReport.PostLine(
                enterprise: post.enterpriseName, department: post.department, title: post.title,
                createdOn: post.createdOn, filledByName: post.filledByName, filledByIDNumber: post.filledByIDNumber)
        }
        let practitioners = try db.query(
            """
            SELECT count(DISTINCT em.person_id) FILTER (WHERE employment_active_on(em.hired_on, em.left_on, \(from))),
                   count(DISTINCT em.person_id) FILTER (WHERE employment_active_on(em.hired_on, em.left_on, \(to)))
            FROM employment em WHERE em.enterprise_id = ANY (\(ids)) AND em.department = 'social_org'
            """
        ).single()
        // The organizations of a region are those registered in it; of an enterprise, those that
        // served it or were paid for it; of a service organization, itself.
        let organizations = try db.query(
            """
            SELECT o.uscc, o.name, o.region_code, o.founded_on, coalesce(o.founded_on BETWEEN \(from) AND \(to), false),
                   (SELECT count(*) FROM service_record s WHERE s.provider_org_id = o.id
                      AND s.served_on BETWEEN \(from) AND \(to)
                      AND s.enterprise_id = ANY (\(ids)))
            FROM service_org o
            WHERE CASE \(scope.kind.rawValue)
                  WHEN 'region' THEN in_region(o.region_code, \(scope.applicantCode))
                  WHEN 'service_org' THEN o.id = \(scope.serviceOrgID)
                  ELSE o.id IN (SELECT provider_org_id FROM service_record WHERE enterprise_id = ANY (\(ids))
                                AND served_on <= \(to)
                                UNION SELECT provider_org_id FROM funding WHERE enterprise_id = ANY (\(ids))
                                    AND received_on <= \(to))
                  END
            ORDER BY o.founded_on NULLS LAST, o.uscc
            """
        ).map { row in
            PilotReport.OrganizationLine(
                uscc: try row.decode(0), name: try row.decode(1), regionCode: try row.decode(2),
                foundedOn: try row.decode(3), foundedInPeriod: try row.decode(4), servicesInPeriod: try row.decode(5))
        }
        let serviceRecords = try Services(db: db).list(records)
        let services = ServiceKind.allCases.compactMap { kind -> PilotReport.ServiceLine? in
            let ofKind = serviceRecords.filter { $0.kind == kind }
            guard !ofKind.isEmpty else { return nil }
            return PilotReport.ServiceLine(
                kind: kind, count: ofKind.count, beneficiaries: ofKind.map(\.beneficiaries).reduce(0, +),
                volunteers: ofKind.compactMap(\.volunteers).reduce(0, +),
                hours: PilotReport.sum(ofKind.compactMap(\.hours)))
        }
        // Sums of exact decimal texts: money never passes through floating point.
        let fundingRecords = try Funding(db: db).list(records)
        let funding = FundingSource.allCases.compactMap { source -> PilotReport.FundingLine? in
            let ofSource = fundingRecords.filter { $0.source == source }
            return ofSource.isEmpty
                ? nil
                : PilotReport.FundingLine(
                    source: source, count: ofSource.count, amount: PilotReport.sum(ofSource.map(\.amount)))
        }
        let fundingTotal = PilotReport.sum(fundingRecords.map(\.amount))
        return PilotReport(
            scope: scope, enterprises: enterprises, totalStart: totalStart, totalEnd: totalEnd,
            levelsStart: levelsStart, levelsEnd: levelsEnd, departments: departments,
            training: training, funnel: funnel, postsBefore: postsBefore, posts: posts,
            practitionersStart: try practitioners.decode(0), practitionersEnd: try practitioners.decode(1),
            organizations: organizations, services: services, funding: funding, fundingTotal: fundingTotal)
    }
}
