-- The certified ratio of every enterprise at several dates in one pass, for the province report
-- and for trends. Instead of one row per (date, employment), each employment and certificate
-- becomes a bit set of the dates on which it counts, so the work is one row per (enterprise,
-- person) whatever the number of dates. The rules are those of sql/0002: an interval counts on a
-- date from its first day until the day before its end (employment_active_on,
-- certificate_valid_on, and a registration in force); days_active is their set form, and the
-- tests check that both agree.

-- Bit i-1 is set when days[i] lies in [starts, ends): a NULL start has always started, a NULL end
-- never ends. days must be sorted ascending, distinct, and at most 62 long.
CREATE FUNCTION days_active(starts date, ends date, days date[]) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    -- width_bucket(x, days) counts the days on or before x: the days before `ends` minus the
    -- days before `starts`, as a range of bits.
    SELECT ((1::bigint << coalesce(width_bucket(ends - 1, days), cardinality(days))) - 1)
           & ~((1::bigint << coalesce(width_bucket(starts - 1, days), 0)) - 1)
$$;

-- Whether a list of days can be a bit set: at most 62, ascending, distinct, no NULL.
CREATE FUNCTION days_fit_bit_set(days date[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT cardinality(days) <= 62
           AND days = ARRAY(SELECT DISTINCT u.day FROM unnest(days) AS u(day) WHERE u.day IS NOT NULL ORDER BY u.day)
$$;

-- True, or an error naming the rule: a wrong list must not give wrong counts. IMMUTABLE, so with
-- constant days the check runs once, when the query is planned.
CREATE FUNCTION require_days_bit_set(days date[]) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF NOT days_fit_bit_set(days) THEN
        RAISE EXCEPTION 'enterprise_ratio_by_day takes at most 62 distinct dates in ascending order'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'use ratio_trend, which takes any list of dates';
    END IF;
    RETURN true;
END
$$;

-- Every enterprise of the region (or one enterprise) at each of the days: distinct tracked
-- persons and how many of them are certified, the same counts as enterprise_ratio_on on each day.
-- The days must fit a bit set (days_fit_bit_set); ratio_trend takes any list.
--
--   SELECT * FROM enterprise_ratio_by_day('{2013-12-31,2014-12-31}', '440000');
CREATE FUNCTION enterprise_ratio_by_day(days date[], region text DEFAULT NULL, enterprise bigint DEFAULT NULL,
                                        registered_only boolean DEFAULT false)
RETURNS TABLE (as_of date, enterprise_id bigint, tracked bigint, certified bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT x.day, x.id, x.tracked, x.certified, certified_ratio(x.certified, x.tracked)
    FROM (
        SELECT d.day, en.id,
               coalesce(sum(g.persons) FILTER (WHERE g.tracked_days & (1::bigint << (d.i - 1)::int) <> 0), 0)::bigint AS tracked,
               coalesce(sum(g.persons) FILTER (WHERE g.certified_days & (1::bigint << (d.i - 1)::int) <> 0), 0)::bigint AS certified
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
                    SELECT e.enterprise_id, e.person_id, bit_or(days_active(e.hired_on, e.left_on, days)) AS tracked_days
                    FROM employment e
                    WHERE (enterprise IS NULL OR e.enterprise_id = enterprise)
                      AND (region IS NULL
                           OR e.enterprise_id IN (SELECT r.id FROM enterprise r WHERE in_region(r.region_code, region)))
                    GROUP BY e.enterprise_id, e.person_id
                ) s
                LEFT JOIN certificate c ON c.person_id = s.person_id
                LEFT JOIN (
                    SELECT r.certificate_id, bit_or(days_active(r.registered_on, r.valid_until, days)) AS registered_days
                    FROM certificate_registration r WHERE registered_only GROUP BY r.certificate_id
                ) reg ON registered_only AND reg.certificate_id = c.id
                GROUP BY s.enterprise_id, s.person_id, s.tracked_days
            ) p
            GROUP BY p.enterprise_id, p.tracked_days, p.certified_days
        ) g ON g.enterprise_id = en.id
        WHERE (enterprise IS NULL OR en.id = enterprise) AND in_region(en.region_code, region)
          AND require_days_bit_set(days)
        GROUP BY d.day, en.id
    ) x
$$;

-- Trends now come from the same pass when they can: up to 62 days given in ascending order, the
-- region's (or enterprise's, or country's) counts at each day are the sums of its enterprises'
-- counts. Longer or unsorted lists take the one-row-per-date form of sql/0007, kept as
-- ratio_trend_by_date. Every day asked for gets a row, zeros where nobody is tracked.
ALTER FUNCTION ratio_trend(date[], text, bigint, boolean) RENAME TO ratio_trend_by_date;

CREATE FUNCTION ratio_trend(days date[], region text DEFAULT NULL, enterprise bigint DEFAULT NULL,
                            registered_only boolean DEFAULT false)
RETURNS TABLE (as_of date, tracked bigint, certified bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH one_pass AS (
        SELECT days_fit_bit_set(days) AS fits
    )
    SELECT d.day, coalesce(t.tracked, 0), coalesce(t.certified, 0),
           certified_ratio(coalesce(t.certified, 0), coalesce(t.tracked, 0))
    FROM one_pass, unnest(days) AS d(day)
    LEFT JOIN (
        SELECT b.as_of AS day, sum(b.tracked)::bigint AS tracked, sum(b.certified)::bigint AS certified
        -- Given no days at all when they do not fit, so that its check never fires here.
        FROM enterprise_ratio_by_day(CASE WHEN days_fit_bit_set(days) THEN days ELSE '{}' END, region, enterprise, registered_only) b
        GROUP BY b.as_of
    ) t ON t.day = d.day
    WHERE one_pass.fits
    UNION ALL
    SELECT b.* FROM one_pass, ratio_trend_by_date(days, region, enterprise, registered_only) b
    WHERE NOT one_pass.fits
    ORDER BY 1
$$;
