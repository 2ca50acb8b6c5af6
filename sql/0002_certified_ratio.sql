-- The certified-worker ratio (持证比例), defined once. Every interface (CLI, reports, a psql user)
-- reads it from these functions. They are plain SQL functions, which the planner inlines: a
-- filter on one enterprise reaches the employment index, a region's filter reaches the scan, and
-- the whole country is one hash join.
--
--   SELECT * FROM enterprise_ratio_on('2013-12-31') WHERE enterprise_id = 1;
--   SELECT * FROM enterprise_ratio_on('2013-12-31', '440000');   -- Guangdong's enterprises
--   SELECT * FROM enterprise_department_ratio_on('2013-12-31');
--   SELECT * FROM enterprise_ratio_on('2013-12-31', NULL, true);  -- registered certificates only

-- An employment counts on a date from its hiring day (an unknown hiring day counts) until the
-- day before it ends.
CREATE FUNCTION employment_active_on(hired_on date, left_on date, as_of date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (hired_on IS NULL OR hired_on <= as_of) AND (left_on IS NULL OR left_on > as_of)
$$;

-- A certificate counts on a date from its issue day until the day before it is revoked.
CREATE FUNCTION certificate_valid_on(issued_on date, revoked_on date, as_of date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT issued_on <= as_of AND (revoked_on IS NULL OR revoked_on > as_of)
$$;

-- The code prefix that a region's enterprises share: 2 digits for a province (xx0000),
-- 4 for a city (xxxx00), all 6 for a county.
CREATE FUNCTION region_prefix(code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN code LIKE '__0000' THEN left(code, 2)
                WHEN code LIKE '____00' THEN left(code, 4)
                ELSE code END
$$;

-- Whether an enterprise's division code lies in a region; every code lies in the NULL region,
-- which stands for the whole country.
CREATE FUNCTION in_region(enterprise_region text, region text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT region IS NULL OR enterprise_region LIKE region_prefix(region) || '%'
$$;

-- certified / tracked rounded to 4 decimals; NULL when nobody is tracked, never 0 or NaN.
CREATE FUNCTION certified_ratio(certified bigint, tracked bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT round(certified::numeric / NULLIF(tracked, 0), 4)
$$;

-- Tracked staff on a date: one row per enterprise, person and department with an employment
-- active on that date, and the highest certificate level the person holds on it (NULL if none).
-- With registered_only, a certificate counts only while a registration of it is in force; the
-- planner folds the condition away when it is false.
CREATE FUNCTION staff_on(as_of date, region text DEFAULT NULL, registered_only boolean DEFAULT false)
RETURNS TABLE (enterprise_id bigint, person_id bigint, department department_kind, level certificate_level)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT e.enterprise_id, e.person_id, e.department, max(c.level)
    FROM employment e
    LEFT JOIN certificate c
        ON c.person_id = e.person_id AND certificate_valid_on(c.issued_on, c.revoked_on, as_of)
       AND (NOT registered_only OR EXISTS (
               SELECT 1 FROM certificate_registration r
               WHERE r.certificate_id = c.id AND r.registered_on <= as_of AND r.valid_until > as_of))
    WHERE employment_active_on(e.hired_on, e.left_on, as_of)
      AND (region IS NULL
           OR e.enterprise_id IN (SELECT en.id FROM enterprise en WHERE in_region(en.region_code, region)))
    GROUP BY e.enterprise_id, e.person_id, e.department
$$;

-- Per enterprise: distinct tracked persons, how many of them are certified, and the certified
-- counted by their highest level. Every enterprise of the region appears, with zeros when it has
-- no staff. The same rows as staff_on, grouped by person rather than by department: a person in
-- two departments counts once here.
CREATE FUNCTION enterprise_ratio_on(as_of date, region text DEFAULT NULL, registered_only boolean DEFAULT false)
RETURNS TABLE (enterprise_id bigint, tracked bigint, certified bigint,
               junior bigint, intermediate bigint, senior bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT en.id,
           coalesce(p.tracked, 0), coalesce(p.certified, 0),
           coalesce(p.junior, 0), coalesce(p.intermediate, 0), coalesce(p.senior, 0),
           certified_ratio(coalesce(p.certified, 0), coalesce(p.tracked, 0))
    FROM enterprise en
    LEFT JOIN (
        SELECT per_person.enterprise_id,
               count(*) AS tracked,
               count(per_person.level) AS certified,
               count(*) FILTER (WHERE per_person.level = 'junior') AS junior,
               count(*) FILTER (WHERE per_person.level = 'intermediate') AS intermediate,
               count(*) FILTER (WHERE per_person.level = 'senior') AS senior
        FROM (
            SELECT e.enterprise_id, e.person_id, max(c.level) AS level
            FROM employment e
            LEFT JOIN certificate c
                ON c.person_id = e.person_id AND certificate_valid_on(c.issued_on, c.revoked_on, as_of)
               AND (NOT registered_only OR EXISTS (
                       SELECT 1 FROM certificate_registration r
                       WHERE r.certificate_id = c.id AND r.registered_on <= as_of AND r.valid_until > as_of))
            WHERE employment_active_on(e.hired_on, e.left_on, as_of)
              AND (region IS NULL
                   OR e.enterprise_id IN (SELECT r.id FROM enterprise r WHERE in_region(r.region_code, region)))
            GROUP BY e.enterprise_id, e.person_id
        ) per_person
        GROUP BY per_person.enterprise_id
    ) p ON p.enterprise_id = en.id
    WHERE in_region(en.region_code, region)
$$;

-- Per enterprise and department: a person in two departments counts once in each.
CREATE FUNCTION enterprise_department_ratio_on(as_of date, region text DEFAULT NULL, registered_only boolean DEFAULT false)
RETURNS TABLE (enterprise_id bigint, department department_kind, tracked bigint, certified bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT s.enterprise_id, s.department, count(*), count(s.level),
           certified_ratio(count(s.level), count(*))
    FROM staff_on(as_of, region, registered_only) s
    GROUP BY s.enterprise_id, s.department
$$;
