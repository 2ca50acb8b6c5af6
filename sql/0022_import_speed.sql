-- The roster import near its floor (issue 13; docs/scaling.md, "Indexes and the import").
--
-- 1. The check of the resident_id_number domain, evaluated once for every person stored, gives
--    the same verdict as before (id_number_problem(VALUE) IS NULL) in under half the time: no
--    regular expression (they were half of its cost), one lookup each for the province and for the
--    month and day, and the checksum from four lookups of four digits each rather than seventeen
--    digits. The reasons stay with id_number_problem, which still says what is wrong with a number.
-- 2. The maintained figure (sql/0021) of a bulk write is recomputed with one pass of
--    enterprise_ratio_breakdown_on per held day (the enterprise's counts and its departments'
--    together, sql/0018) instead of one pass of enterprise_ratio_on and another of
--    enterprise_department_ratio_on: the same rows.
-- 3. employment_enterprise_idx keeps only its leading column (enterprise_id): every query that reads
--    it asks for one enterprise or a list of them (one enterprise's ratio, departments and trend;
--    the maintained figure of up to 200 enterprises; a scope's exam results; the pilot report) and
--    reads the rows' other columns from the table anyway. With one key column, deduplication keeps
--    each enterprise's entries in a few posting lists: about a fifth of the size (9 MB against 47 MB
--    for 1,000,000 employments), and an import's new rows land on few pages.
--
-- The roster merge (Sources/Workforce/Roster/Staff.swift) also inserts its new employments in
-- person order, the order of employment_one_open_idx and employment_person_cover_idx.

-- 1. The ID-number check ---------------------------------------------------------------------------

-- The weighted sum of GB 11643's check character, W_i = 2^(18-i) mod 11 for the digits i = 1..17,
-- taken four digits at a time: four digits e1 e2 e3 e4 whose last has weight 2^m contribute
-- 2^m * (8 e1 + 4 e2 + 2 e3 + e4), so one table of 8 e1 + 4 e2 + 2 e3 + e4 for 0000..9999 serves
-- the four groups (digits 2-5, 6-9, 10-13, 14-17: m = 13, 9, 5, 1, i.e. 8, 6, 10 and 2 mod 11),
-- and digit 1 weighs 7. The month and day: 1 for a real one in every year, 2 for 0229, else 0.
-- Both tables are written into the function as constants (built here from their rule), so that
-- the function stays an inlinable SQL expression and each lookup is one array subscript.
DO $$
BEGIN
    EXECUTE format($f$
        CREATE FUNCTION id_number_valid(id text) RETURNS boolean
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
            SELECT CASE
                WHEN id IS NULL THEN true
                WHEN octet_length(id) <> 18 OR ltrim(left(id, 17), '0123456789') <> ''
                     OR right(id, 1) NOT IN ('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X') THEN false
                WHEN (%3$L::smallint[])[substr(id, 1, 2)::int + 1] = 0 OR substr(id, 7, 4)::int < 1800 THEN false
                WHEN coalesce((%1$L::smallint[])[substr(id, 11, 4)::int + 1], 0) <> 1
                     AND (coalesce((%1$L::smallint[])[substr(id, 11, 4)::int + 1], 0) = 0
                          OR NOT (substr(id, 7, 4)::int %% 4 = 0
                                  AND (substr(id, 7, 4)::int %% 100 <> 0 OR substr(id, 7, 4)::int %% 400 = 0)))
                    THEN false
                ELSE right(id, 1) = substr('10X98765432', (
                         7 * substr(id, 1, 1)::int
                         + 8 * (%2$L::smallint[])[substr(id, 2, 4)::int + 1]
                         + 6 * (%2$L::smallint[])[substr(id, 6, 4)::int + 1]
                         + 10 * (%2$L::smallint[])[substr(id, 10, 4)::int + 1]
                         + 2 * (%2$L::smallint[])[substr(id, 14, 4)::int + 1]) %% 11 + 1, 1)
            END
        $body$
        $f$,
        (SELECT array_agg(CASE WHEN x / 100 BETWEEN 1 AND 12 AND x % 100 >= 1
                                    AND x % 100 <= CASE WHEN x / 100 IN (4, 6, 9, 11) THEN 30
                                                         WHEN x / 100 <> 2 THEN 31 ELSE 28 END THEN 1
                               WHEN x = 229 THEN 2 ELSE 0 END ORDER BY x)::text
         FROM generate_series(0, 1231) x),
        (SELECT array_agg(8 * (c / 1000) + 4 * (c / 100 % 10) + 2 * (c / 10 % 10) + c % 10 ORDER BY c)::text
         FROM generate_series(0, 9999) c),
        (SELECT array_agg(CASE WHEN lpad(p::text, 2, '0') = ANY (province_prefixes() || ARRAY['81', '82', '83'])
                               THEN 1 ELSE 0 END ORDER BY p)::text
         FROM generate_series(0, 99) p));
END
$$;
COMMENT ON FUNCTION id_number_valid(text) IS
    'Whether a resident ID number is valid: the same verdict as id_number_problem(id) IS NULL, cheaper; '
    'the check of the resident_id_number domain.';

ALTER DOMAIN resident_id_number DROP CONSTRAINT resident_id_number_valid;
ALTER DOMAIN resident_id_number ADD CONSTRAINT resident_id_number_valid CHECK (id_number_valid(VALUE));

-- 2. The maintained figure of a bulk write ----------------------------------------------------------

-- As sql/0021's, but more than ratio_counts_one_by_one_limit() enterprises are recomputed from one
-- pass of enterprise_ratio_breakdown_on (its department NULL rows are enterprise_ratio_on's, the
-- others enterprise_department_ratio_on's: sql/0018, and `esw db check` compares them with those two
-- functions) rather than one pass of each function.
CREATE OR REPLACE FUNCTION ratio_counts_compute(p_as_of date, p_registered_only boolean, p_enterprises bigint[])
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    one bigint;
BEGIN
    -- IN (SELECT unnest(...)): a hashed semi-join; "= ANY" of a parameter array scans the array per row.
    DELETE FROM ratio_counts
    WHERE as_of = p_as_of AND registered_only = p_registered_only
      AND enterprise_id IN (SELECT unnest(p_enterprises));
    DELETE FROM ratio_department_counts
    WHERE as_of = p_as_of AND registered_only = p_registered_only
      AND enterprise_id IN (SELECT unnest(p_enterprises));
    IF cardinality(p_enterprises) <= ratio_counts_one_by_one_limit() THEN
        FOREACH one IN ARRAY p_enterprises LOOP
            INSERT INTO ratio_counts
            SELECT p_as_of, p_registered_only, r.enterprise_id, r.tracked, r.certified, r.junior, r.intermediate,
                   r.senior, r.ratio
            FROM enterprise_ratio_on(p_as_of, NULL, p_registered_only) r WHERE r.enterprise_id = one;
            INSERT INTO ratio_department_counts
            SELECT p_as_of, p_registered_only, d.enterprise_id, d.department, d.tracked, d.certified, d.ratio
            FROM enterprise_department_ratio_on(p_as_of, NULL, p_registered_only) d WHERE d.enterprise_id = one;
        END LOOP;
    ELSE
        WITH counts AS MATERIALIZED (
            SELECT b.* FROM enterprise_ratio_breakdown_on(p_as_of, NULL, p_registered_only) b
            WHERE b.enterprise_id IN (SELECT unnest(p_enterprises))
        ), enterprises AS (
            INSERT INTO ratio_counts
            SELECT p_as_of, p_registered_only, c.enterprise_id, c.tracked, c.certified, c.junior, c.intermediate,
                   c.senior, c.ratio
            FROM counts c WHERE c.department IS NULL
        )
        INSERT INTO ratio_department_counts
        SELECT p_as_of, p_registered_only, c.enterprise_id, c.department, c.tracked, c.certified, c.ratio
        FROM counts c WHERE c.department IS NOT NULL;
    END IF;
END
$$;

DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION ratio_counts_compute(date, boolean, bigint[]) SET search_path = %I, pg_temp',
                   current_schema());
END
$$;

-- 3. The enterprise index -------------------------------------------------------------------------

DROP INDEX employment_enterprise_idx;
CREATE INDEX employment_enterprise_idx ON employment (enterprise_id);
COMMENT ON INDEX employment_enterprise_idx IS
    'One enterprise''s (or a list of enterprises'') employments: the ratio, departments and trend of one enterprise, '
    'the maintained figure of a few, a scope''s exam results, the pilot report (sql/0022).';
