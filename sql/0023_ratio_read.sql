-- Reading the maintained figure (docs/scaling.md, "The maintained ratio figure"): the read side
-- only. Nothing here writes ratio_counts or decides what it holds (sql/0021 does); the rule stays
-- in the ratio functions of sql/0018 and sql/0021.

-- The enterprises in the order every listing of the ratio shows them (province, region, name,
-- USCC), with what the listing prints beside its counts. `esw ratio` for a held day walks it and
-- looks each enterprise up in ratio_counts by primary key: the rows come out in order, so the
-- country's 10,000 names are neither hashed nor sorted (the sort alone took longer than reading
-- the counts).
CREATE INDEX enterprise_listing_order_idx ON enterprise (province_code, region_code, name, uscc)
    INCLUDE (id, employees);
COMMENT ON INDEX enterprise_listing_order_idx IS
    'The ratio listing''s order (sql/0023): esw ratio reads held counts enterprise by enterprise in it, unsorted.';

-- The days of a list that the figure holds (in this counting mode), and the others in the list's
-- order: the by-day readers below read the first from ratio_counts and compute only the others.
CREATE FUNCTION ratio_counts_days_not_held(days date[], registered_only boolean) RETURNS date[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(u.day ORDER BY u.n), '{}')
    FROM unnest(days) WITH ORDINALITY AS u(day, n)
    WHERE NOT ratio_counts_held(u.day, registered_only)
$$;

-- enterprise_ratio_by_day, with the held days read from the figure: the same rows (a held row is a
-- copy of enterprise_ratio_on's, which the by-day form equals), every enterprise of the region on
-- every day, zeros included.
CREATE FUNCTION enterprise_ratio_by_day_held(days date[], region text DEFAULT NULL, enterprise bigint DEFAULT NULL,
                                             registered_only boolean DEFAULT false)
RETURNS TABLE (as_of date, enterprise_id bigint, tracked bigint, certified bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT r.as_of, r.enterprise_id, r.tracked, r.certified, r.ratio
    FROM ratio_counts r
    WHERE r.as_of = ANY (days) AND r.registered_only = enterprise_ratio_by_day_held.registered_only
      AND ratio_counts_held(r.as_of, enterprise_ratio_by_day_held.registered_only)
      AND (enterprise IS NULL OR r.enterprise_id = enterprise)
      AND (region IS NULL OR r.enterprise_id IN (SELECT en.id FROM enterprises_in_region(region) en))
    UNION ALL
    SELECT b.*
    FROM enterprise_ratio_by_day(ratio_counts_days_not_held(days, registered_only), region, enterprise,
                                 registered_only) b
$$;

-- ratio_trend, with the held days summed from the figure: the same rows, in day order, a row for
-- every day asked for (zeros where nobody is tracked).
CREATE FUNCTION ratio_trend_held(days date[], region text DEFAULT NULL, enterprise bigint DEFAULT NULL,
                                 registered_only boolean DEFAULT false)
RETURNS TABLE (as_of date, tracked bigint, certified bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT d.day, coalesce(sum(r.tracked), 0)::bigint, coalesce(sum(r.certified), 0)::bigint,
           certified_ratio(coalesce(sum(r.certified), 0)::bigint, coalesce(sum(r.tracked), 0)::bigint)
    FROM unnest(days) AS d(day)
    LEFT JOIN ratio_counts r
        ON r.as_of = d.day AND r.registered_only = ratio_trend_held.registered_only
       AND (enterprise IS NULL OR r.enterprise_id = enterprise)
       AND (region IS NULL OR r.enterprise_id IN (SELECT en.id FROM enterprises_in_region(region) en))
    WHERE ratio_counts_held(d.day, ratio_trend_held.registered_only)
    GROUP BY d.day
    UNION ALL
    SELECT t.*
    FROM ratio_trend(ratio_counts_days_not_held(days, registered_only), region, enterprise, registered_only) t
    ORDER BY 1
$$;

COMMENT ON FUNCTION enterprise_ratio_by_day_held(date[], text, bigint, boolean) IS
    'enterprise_ratio_by_day with the days ratio_counts holds read from it (sql/0023); the same rows.';
COMMENT ON FUNCTION ratio_trend_held(date[], text, bigint, boolean) IS
    'ratio_trend with the days ratio_counts holds summed from it (sql/0023); the same rows.';
