-- sql/0023's readers of the held figure, with the days they compute worked out once per call.
--
-- As LANGUAGE sql functions they were inlined into the caller's query, and their argument
-- `ratio_counts_days_not_held(days, registered_only)` with them: PostgreSQL substitutes an
-- argument's expression wherever the inlined body uses the parameter, so the list of days not held
-- was recomputed for every row of the 1,000,000 employments that enterprise_ratio_by_day reads.
-- `esw ratio --trend --region 440000` over 24 months took 26 s instead of ratio_trend's 1.2 s, and
-- the province report 6.6 s instead of 1 s (scripts/bench, national scale). In PL/pgSQL the days
-- held and the days to compute are variables, fixed before the queries run; the rows are the same.

CREATE OR REPLACE FUNCTION enterprise_ratio_by_day_held(days date[], region text DEFAULT NULL,
                                                        enterprise bigint DEFAULT NULL,
                                                        registered_only boolean DEFAULT false)
RETURNS TABLE (as_of date, enterprise_id bigint, tracked bigint, certified bigint, ratio numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    computed constant date[] := ratio_counts_days_not_held(days, registered_only);
    held constant date[] := ARRAY(SELECT d FROM unnest(days) AS d WHERE d <> ALL (computed));
BEGIN
    RETURN QUERY
    SELECT r.as_of, r.enterprise_id, r.tracked, r.certified, r.ratio
    FROM ratio_counts r
    WHERE r.as_of = ANY (held) AND r.registered_only = enterprise_ratio_by_day_held.registered_only
      AND (enterprise_ratio_by_day_held.enterprise IS NULL
           OR r.enterprise_id = enterprise_ratio_by_day_held.enterprise)
      AND (enterprise_ratio_by_day_held.region IS NULL
           OR r.enterprise_id IN (SELECT en.id FROM enterprises_in_region(enterprise_ratio_by_day_held.region) en))
    UNION ALL
    SELECT b.as_of, b.enterprise_id, b.tracked, b.certified, b.ratio
    FROM enterprise_ratio_by_day(computed, enterprise_ratio_by_day_held.region,
                                 enterprise_ratio_by_day_held.enterprise,
                                 enterprise_ratio_by_day_held.registered_only) b;
END
$$;

CREATE OR REPLACE FUNCTION ratio_trend_held(days date[], region text DEFAULT NULL, enterprise bigint DEFAULT NULL,
                                            registered_only boolean DEFAULT false)
RETURNS TABLE (as_of date, tracked bigint, certified bigint, ratio numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    computed constant date[] := ratio_counts_days_not_held(days, registered_only);
    held constant date[] := ARRAY(SELECT d FROM unnest(days) AS d WHERE d <> ALL (computed));
BEGIN
    RETURN QUERY
    SELECT d.day, coalesce(sum(r.tracked), 0)::bigint, coalesce(sum(r.certified), 0)::bigint,
           certified_ratio(coalesce(sum(r.certified), 0)::bigint, coalesce(sum(r.tracked), 0)::bigint)
    FROM unnest(held) AS d(day)
    LEFT JOIN ratio_counts r
        ON r.as_of = d.day AND r.registered_only = ratio_trend_held.registered_only
       AND (ratio_trend_held.enterprise IS NULL OR r.enterprise_id = ratio_trend_held.enterprise)
       AND (ratio_trend_held.region IS NULL
            OR r.enterprise_id IN (SELECT en.id FROM enterprises_in_region(ratio_trend_held.region) en))
    GROUP BY d.day
    UNION ALL
    SELECT t.as_of, t.tracked, t.certified, t.ratio
    FROM ratio_trend(computed, ratio_trend_held.region, ratio_trend_held.enterprise,
                     ratio_trend_held.registered_only) t
    ORDER BY 1;
END
$$;

COMMENT ON FUNCTION enterprise_ratio_by_day_held(date[], text, bigint, boolean) IS
    'enterprise_ratio_by_day with the days ratio_counts holds read from it (sql/0023, sql/0029); the same rows.';
COMMENT ON FUNCTION ratio_trend_held(date[], text, bigint, boolean) IS
    'ratio_trend with the days ratio_counts holds summed from it (sql/0023, sql/0029); the same rows.';
