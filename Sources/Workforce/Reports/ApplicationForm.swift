public import CalendarDates
import Foundation
import PostgresClient

/// The application form (申报表) of a pilot unit or region, filled from what the tracker holds on
/// a date: the unit, its region, staff of the five departments and the practitioners, certified
/// staff by level, the posts, and the planned measures from the plan file.
public struct ApplicationForm: Sendable {
    public let scope: PilotScope
    public let asOf: CalendarDate
    public let enterprises: Int
    /// The enterprises' total employee count (职工总数) as registered; nil when none is known.
    public let employees: Int?
    public let departments: [DepartmentRatio]
    public let total: RatioCounts
    public let levels: LevelCounts
    public let posts: Int
    public let postsFilled: Int

}

extension Reports {
    /// The application form of an application, with figures on `asOf` (default: the day the
    /// application was submitted, the day the form speaks for).
    public func applicationForm(applicationID: Int, asOf: CalendarDate? = nil) throws -> ApplicationForm {
        let scope = try pilotScope(applicationID: applicationID)
        let asOf = asOf ?? scope.submittedOn
        let ids = scope.enterpriseIDs
        let totals = try db.query(
            """
            SELECT coalesce(sum(tracked), 0)::bigint, coalesce(sum(certified), 0)::bigint,
                   certified_ratio(sum(certified)::bigint, sum(tracked)::bigint)::text,
                   coalesce(sum(junior), 0)::bigint, coalesce(sum(intermediate), 0)::bigint,
                   coalesce(sum(senior), 0)::bigint
            FROM enterprise_ratio_on(\(asOf), \(scope.ratioRegion)) WHERE enterprise_id = ANY (\(ids))
            """
        ).single()
        let departments = try db.query(
            """
            SELECT d.department::text, sum(d.tracked)::bigint, sum(d.certified)::bigint,
                   certified_ratio(sum(d.certified)::bigint, sum(d.tracked)::bigint)::text
            FROM enterprise_department_ratio_on(\(asOf), \(scope.ratioRegion)) d WHERE d.enterprise_id = ANY (\(ids))
            GROUP BY d.department ORDER BY d.department
            """
        ).map { row in
            DepartmentRatio(
                department: try row.decode(0, as: Department.self),
                counts: RatioCounts(tracked: try row.decode(1), certified: try row.decode(2), ratio: try row.decode(3)))
        }
        let posts = try db.query(
            """
            SELECT count(*), count(filled_by),
                   (SELECT sum(employees) FROM enterprise WHERE id = ANY (\(ids)))::bigint
            FROM social_work_post WHERE enterprise_id = ANY (\(ids)) AND created_on <= \(asOf)
            """
        ).single()
        return ApplicationForm(
            scope: scope, asOf: asOf, enterprises: ids.count, employees: try posts.decode(2), departments: departments,
            total: RatioCounts(
                tracked: try totals.decode(0), certified: try totals.decode(1), ratio: try totals.decode(2)),
            levels: LevelCounts(
                junior: try totals.decode(3), intermediate: try totals.decode(4), senior: try totals.decode(5)),
            posts: try posts.decode(0), postsFilled: try posts.decode(1))
    }
}
