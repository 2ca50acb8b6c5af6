-- The certified-worker ratio (持证比例), defined once. Every interface (CLI, reports, a psql user)
-- reads it from these functions. They are plain SQL functions, which the planner inlines, so a
-- filter on one enterprise reaches the employment index and a whole country is one hash join.
--
--   SELECT * FROM enterprise_ratio_on('2013-12-31') WHERE enterprise_id = 1;

-- Tracked staff on a date: one row per enterprise, person and department whose employment is
-- active on that date, with the highest certificate level the person holds on it (NULL if none).
CREATE FUNCTION staff_on(as_of date)
RETURNS TABLE (enterprise_id bigint, person_id bigint, department department_kind, level certificate_level)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT e.enterprise_id, e.person_id, e.department, max(c.level)
    FROM employment e
    LEFT JOIN certificate c
        ON c.person_id = e.person_id
       AND c.issued_on <= as_of
       AND (c.revoked_on IS NULL OR c.revoked_on > as_of)
    WHERE (e.hired_on IS NULL OR e.hired_on <= as_of)
      AND (e.left_on IS NULL OR e.left_on > as_of)
    GROUP BY e.enterprise_id, e.person_id, e.department
$$;

-- certified / tracked rounded to 4 decimals; NULL when nobody is tracked, never 0 or NaN.
CREATE FUNCTION certified_ratio(certified bigint, tracked bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT round(certified::numeric / NULLIF(tracked, 0), 4)
$$;

-- Per enterprise: distinct tracked persons, how many of them are certified, and the certified
-- counted by their highest level. Every enterprise appears, with zeros when it has no staff.
CREATE FUNCTION enterprise_ratio_on(as_of date)
RETURNS TABLE (enterprise_id bigint, tracked bigint, certified bigint,
               junior bigint, intermediate bigint, senior bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT en.id,
           coalesce(p.tracked, 0), coalesce(p.certified, 0),
           coalesce(p.junior, 0), coalesce(p.intermediate, 0), coalesce(p.senior, 0),
           certified_ratio(coalesce(p.certified, 0), coalesce(p.tracked, 0))
    FROM enterprise en
    LEFT JOIN (
        SELECT enterprise_id,
               count(*) AS tracked,
               count(level) AS certified,
               count(*) FILTER (WHERE level = 'junior') AS junior,
               count(*) FILTER (WHERE level = 'intermediate') AS intermediate,
               count(*) FILTER (WHERE level = 'senior') AS senior
        FROM (SELECT s.enterprise_id, s.person_id, max(s.level) AS level
              FROM staff_on(as_of) s
              GROUP BY s.enterprise_id, s.person_id) per_person
        GROUP BY enterprise_id
    ) p ON p.enterprise_id = en.id
$$;

-- Per enterprise and department: a person in two departments counts once in each.
CREATE FUNCTION enterprise_department_ratio_on(as_of date)
RETURNS TABLE (enterprise_id bigint, department department_kind, tracked bigint, certified bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT s.enterprise_id, s.department, count(*), count(s.level),
           certified_ratio(count(s.level), count(*))
    FROM staff_on(as_of) s
    GROUP BY s.enterprise_id, s.department
$$;

-- The code prefix that a region's enterprises share: 2 digits for a province (xx0000),
-- 4 for a city (xxxx00), all 6 for a county.
CREATE FUNCTION region_prefix(code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN code LIKE '__0000' THEN left(code, 2)
                WHEN code LIKE '____00' THEN left(code, 4)
                ELSE code END
$$;
