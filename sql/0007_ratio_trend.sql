-- The certified ratio at several dates in one pass over the employments: the same counts as
-- enterprise_ratio_on summed over a region (or one enterprise, or the country) at each date, from
-- the same rules (employment_active_on, certificate_valid_on), but one scan instead of one per date.
--
--   SELECT * FROM ratio_trend(ARRAY['2013-12-31', '2014-12-31']::date[], '440000');
CREATE FUNCTION ratio_trend(days date[], region text DEFAULT NULL, enterprise bigint DEFAULT NULL,
                            registered_only boolean DEFAULT false)
RETURNS TABLE (as_of date, tracked bigint, certified bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT d.day, coalesce(t.tracked, 0), coalesce(t.certified, 0),
           certified_ratio(coalesce(t.certified, 0), coalesce(t.tracked, 0))
    FROM unnest(days) AS d(day)
    LEFT JOIN (
        SELECT per_person.day, count(*) AS tracked, count(per_person.level) AS certified
        FROM (
            SELECT dd.day, e.enterprise_id, e.person_id, max(c.level) AS level
            FROM unnest(days) AS dd(day)
            JOIN employment e ON employment_active_on(e.hired_on, e.left_on, dd.day)
            LEFT JOIN certificate c
                ON c.person_id = e.person_id AND certificate_valid_on(c.issued_on, c.revoked_on, dd.day)
               AND (NOT registered_only OR EXISTS (
                       SELECT 1 FROM certificate_registration r
                       WHERE r.certificate_id = c.id AND r.registered_on <= dd.day AND r.valid_until > dd.day))
            WHERE (enterprise IS NULL OR e.enterprise_id = enterprise)
              AND (region IS NULL
                   OR e.enterprise_id IN (SELECT en.id FROM enterprise en WHERE in_region(en.region_code, region)))
            GROUP BY dd.day, e.enterprise_id, e.person_id
        ) per_person
        GROUP BY per_person.day
    ) t ON t.day = d.day
    ORDER BY d.day
$$;
