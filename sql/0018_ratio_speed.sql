-- The ratio near its floor (issue 13). The rules do not change: who counts on a day is still
-- staff_certificates_on (sql/0010) and its predicates, and every function below groups its rows.
-- What changes is the order in which they are grouped, one index, and one function that gives an
-- enterprise's total and its departments from the same pass.
--
-- Before, enterprise_ratio_on grouped the (enterprise, person) pairs in a hash: about 912,000 pairs
-- for the country (bench data), more than work_mem holds, so the hash spilled to disk, and all of
-- it to remove the few pairs that occur twice (a person in two departments of one enterprise).
-- Grouped by (person, enterprise) instead, the pairs come out of the index below already in
-- order: the planner reads employment and certificate as two index-only scans in person order,
-- merges them, and groups the pairs as they stream by (no hash, no sort, no spill); only the last
-- step, one row per enterprise, is a hash of 10,000 rows. Counting the rows and correcting for
-- the pairs that occur twice was measured too: it is no faster than the merge, even without the
-- correction.
--
--   SELECT * FROM enterprise_ratio_breakdown_on('2013-12-31', '440000');  -- totals and departments

-- employment in person order with everything the ratio reads: the index-only scan the merge join
-- and the streaming grouping read. It replaces employment_person_idx (person_id), which it
-- covers (the same leading column, for the lookups of a person's employments and the foreign key).
CREATE INDEX employment_person_cover_idx ON employment (person_id, enterprise_id, department)
    INCLUDE (hired_on, left_on);
DROP INDEX employment_person_idx;

CREATE OR REPLACE FUNCTION staff_on(as_of date, region text DEFAULT NULL, registered_only boolean DEFAULT false)
RETURNS TABLE (enterprise_id bigint, person_id bigint, department department_kind, level certificate_level)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT s.enterprise_id, s.person_id, s.department, max(s.level)
    FROM staff_certificates_on(as_of, region, registered_only) s
    GROUP BY s.person_id, s.enterprise_id, s.department
$$;

-- The counts of every enterprise of the region that has staff on a day, written once: distinct
-- tracked persons, certified, certified by highest level, and per department kind (in the enum's
-- order, six kinds: sql/0001) the tracked and certified of that department. The pairs are grouped
-- person first (the order of employment_person_cover_idx and certificate_person_idx), each
-- carrying the bits of its departments. A caller that reads no department column pays nothing
-- for them: the planner drops the aggregates whose results nobody reads.
CREATE FUNCTION enterprise_staff_counts_on(as_of date, region text DEFAULT NULL,
                                           registered_only boolean DEFAULT false)
RETURNS TABLE (enterprise_id bigint, tracked bigint, certified bigint, junior bigint, intermediate bigint,
               senior bigint, department_tracked bigint[], department_certified bigint[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT per_person.enterprise_id,
           count(*),
           count(per_person.level),
           count(*) FILTER (WHERE per_person.level = 'junior'),
           count(*) FILTER (WHERE per_person.level = 'intermediate'),
           count(*) FILTER (WHERE per_person.level = 'senior'),
           ARRAY[count(*) FILTER (WHERE per_person.departments & 1 <> 0),
                 count(*) FILTER (WHERE per_person.departments & 2 <> 0),
                 count(*) FILTER (WHERE per_person.departments & 4 <> 0),
                 count(*) FILTER (WHERE per_person.departments & 8 <> 0),
                 count(*) FILTER (WHERE per_person.departments & 16 <> 0),
                 count(*) FILTER (WHERE per_person.departments & 32 <> 0)],
           ARRAY[count(per_person.level) FILTER (WHERE per_person.departments & 1 <> 0),
                 count(per_person.level) FILTER (WHERE per_person.departments & 2 <> 0),
                 count(per_person.level) FILTER (WHERE per_person.departments & 4 <> 0),
                 count(per_person.level) FILTER (WHERE per_person.departments & 8 <> 0),
                 count(per_person.level) FILTER (WHERE per_person.departments & 16 <> 0),
                 count(per_person.level) FILTER (WHERE per_person.departments & 32 <> 0)]
    FROM (
        SELECT s.enterprise_id, s.person_id, max(s.level) AS level,
               -- Bit i-1 for the i-th department kind, in the enum's order.
               bit_or(1 << (array_position((SELECT enum_range(NULL::department_kind)), s.department) - 1))
                   AS departments
        FROM staff_certificates_on(as_of, region, registered_only) s
        GROUP BY s.person_id, s.enterprise_id
    ) per_person
    GROUP BY per_person.enterprise_id
$$;

CREATE OR REPLACE FUNCTION enterprise_ratio_on(as_of date, region text DEFAULT NULL,
                                               registered_only boolean DEFAULT false)
RETURNS TABLE (enterprise_id bigint, tracked bigint, certified bigint,
               junior bigint, intermediate bigint, senior bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT en.id,
           coalesce(p.tracked, 0), coalesce(p.certified, 0),
           coalesce(p.junior, 0), coalesce(p.intermediate, 0), coalesce(p.senior, 0),
           certified_ratio(coalesce(p.certified, 0), coalesce(p.tracked, 0))
    FROM enterprise en
    LEFT JOIN enterprise_staff_counts_on(as_of, region, registered_only) p ON p.enterprise_id = en.id
    WHERE in_region(en.region_code, region)
$$;

-- Every enterprise of the region with its departments, from one pass: per enterprise one row
-- with department NULL (distinct persons: the counts of enterprise_ratio_on) and one row per
-- department with staff (a person in two departments counts in each: the counts of
-- enterprise_department_ratio_on). Levels are given on the enterprise's row only (NULL on the
-- departments').
CREATE FUNCTION enterprise_ratio_breakdown_on(as_of date, region text DEFAULT NULL,
                                              registered_only boolean DEFAULT false)
RETURNS TABLE (enterprise_id bigint, department department_kind, tracked bigint, certified bigint,
               junior bigint, intermediate bigint, senior bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT en.id, d.department, d.tracked, d.certified,
           CASE WHEN d.department IS NULL THEN coalesce(p.junior, 0) END,
           CASE WHEN d.department IS NULL THEN coalesce(p.intermediate, 0) END,
           CASE WHEN d.department IS NULL THEN coalesce(p.senior, 0) END,
           certified_ratio(d.certified, d.tracked)
    FROM enterprise en
    LEFT JOIN enterprise_staff_counts_on(as_of, region, registered_only) p ON p.enterprise_id = en.id
    CROSS JOIN LATERAL (
        SELECT NULL::department_kind AS department, coalesce(p.tracked, 0) AS tracked,
               coalesce(p.certified, 0) AS certified
        UNION ALL
        SELECT k.department, k.tracked, k.certified
        FROM unnest(enum_range(NULL::department_kind), p.department_tracked, p.department_certified)
             AS k(department, tracked, certified)
        WHERE k.tracked > 0
    ) d
    WHERE in_region(en.region_code, region)
$$;

-- The by-day form groups its pairs in the same order, for the same reason.
CREATE OR REPLACE FUNCTION enterprise_ratio_by_day(days date[], region text DEFAULT NULL,
                                                   enterprise bigint DEFAULT NULL,
                                                   registered_only boolean DEFAULT false)
RETURNS TABLE (as_of date, enterprise_id bigint, tracked bigint, certified bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT x.day, x.id, x.tracked, x.certified, certified_ratio(x.certified, x.tracked)
    FROM (
        SELECT d.day, en.id,
               coalesce(sum(g.persons) FILTER (WHERE g.tracked_days & (1::bigint << (d.i - 1)::int) <> 0), 0)::bigint
                   AS tracked,
               coalesce(sum(g.persons) FILTER (WHERE g.certified_days & (1::bigint << (d.i - 1)::int) <> 0), 0)::bigint
                   AS certified
        FROM enterprise en
        CROSS JOIN unnest(days) WITH ORDINALITY AS d(day, i)
        LEFT JOIN (
            -- Persons with the same days tracked and certified count together.
            SELECT p.enterprise_id, p.tracked_days, p.certified_days, count(*) AS persons
            FROM (
                SELECT s.enterprise_id, s.tracked_days,
                       s.tracked_days & coalesce(bit_or(days_active(c.issued_on, c.revoked_on, days)
                           & CASE WHEN registered_only THEN coalesce(reg.registered_days, 0) ELSE -1 END)
                           FILTER (WHERE c.id IS NOT NULL), 0) AS certified_days
                FROM (
                    SELECT e.enterprise_id, e.person_id,
                           bit_or(days_active(e.hired_on, e.left_on, days)) AS tracked_days
                    FROM employment e
                    WHERE (enterprise IS NULL OR e.enterprise_id = enterprise)
                      AND (region IS NULL OR e.enterprise_id IN (SELECT r.id FROM enterprises_in_region(region) r))
                    GROUP BY e.person_id, e.enterprise_id
                ) s
                LEFT JOIN certificate c ON c.person_id = s.person_id
                LEFT JOIN (
                    SELECT r.certificate_id,
                           bit_or(days_active(r.registered_on, r.valid_until, days)) AS registered_days
                    FROM certificate_registration r WHERE registered_only GROUP BY r.certificate_id
                ) reg ON registered_only AND reg.certificate_id = c.id
                GROUP BY s.person_id, s.enterprise_id, s.tracked_days
            ) p
            GROUP BY p.enterprise_id, p.tracked_days, p.certified_days
        ) g ON g.enterprise_id = en.id
        WHERE (enterprise IS NULL OR en.id = enterprise) AND in_region(en.region_code, region)
          AND require_days_bit_set(days)
        GROUP BY d.day, en.id
    ) x
$$;

COMMENT ON INDEX employment_person_cover_idx IS
    'employment in person order with all the ratio reads: enterprise_ratio_on and its kin merge it with '
    'certificate_person_idx and group the (person, enterprise) pairs as they stream (sql/0018).';
COMMENT ON FUNCTION enterprise_staff_counts_on(date, text, boolean) IS
    'Per enterprise with staff on a day: distinct tracked, certified, certified by highest level, and per department '
    'kind (enum order) tracked and certified; the counts enterprise_ratio_on and enterprise_ratio_breakdown_on read.';
COMMENT ON FUNCTION enterprise_ratio_breakdown_on(date, text, boolean) IS
    'enterprise_ratio_on (department NULL) and enterprise_department_ratio_on (one row per department with staff) '
    'in one pass: the same counts; levels on the enterprise''s row only.';
