-- Reading today's ratio no longer waits for other readers when the figure holds today already.
--
-- ratio_counts_roll(today) took its turn first (ratio_counts_take_turn: SHARE ROW EXCLUSIVE on
-- ratio_counts_day, a mode that conflicts with itself, held to COMMIT) and only then looked at
-- what was held. `esw ratio` and every request of `esw serve` for today's ratio call it, so
-- concurrent readers of today's figure queued behind one another, each for the rest of the other's
-- transaction, and behind every write's recomputation (scripts/bench, esw serve under wrk).
-- sql/0021 meant a reader never to wait. Now the roll first looks without the lock: when every
-- day of the window is held (every read of a day but the first) it returns at once. Otherwise it
-- takes its turn, looks again under the lock and computes what is still missing, as before. Days
-- of the window are only ever added by a roll, which also lets go of the days out of the window,
-- so a window found whole needs no letting go either.
--
-- The window (today, and ratio_counts_months_held() month ends before it) is written once, in
-- ratio_counts_window, for both looks.

CREATE FUNCTION ratio_counts_window(p_today date, p_registered_only boolean)
RETURNS TABLE (as_of date, registered_only boolean)
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_today, p_registered_only
    UNION
    SELECT (date_trunc('month', p_today::timestamp) - make_interval(months => m - 1) - interval '1 day')::date,
           false
    FROM generate_series(1, ratio_counts_months_held()) m
    ORDER BY 1, 2
$$;
COMMENT ON FUNCTION ratio_counts_window(date, boolean) IS
    'The days ratio_counts_roll holds for today: today in its counting mode, and the month ends before it '
    '(all certificates).';

CREATE OR REPLACE FUNCTION ratio_counts_roll(p_today date, p_registered_only boolean DEFAULT false) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    wanted record;
    computed integer := 0;
    all_ids bigint[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ratio_counts_window(p_today, p_registered_only) w
                   WHERE NOT EXISTS (SELECT 1 FROM ratio_counts_day d
                                     WHERE d.as_of = w.as_of AND d.registered_only = w.registered_only)) THEN
        RETURN 0;
    END IF;
    PERFORM ratio_counts_take_turn();
    FOR wanted IN SELECT w.as_of, w.registered_only FROM ratio_counts_window(p_today, p_registered_only) w LOOP
        INSERT INTO ratio_counts_day (as_of, registered_only) VALUES (wanted.as_of, wanted.registered_only)
        ON CONFLICT DO NOTHING;
        IF FOUND THEN
            all_ids := coalesce(all_ids, array(SELECT e.id FROM enterprise e ORDER BY e.id));
            PERFORM ratio_counts_compute(wanted.as_of, wanted.registered_only, all_ids);
            computed := computed + 1;
        END IF;
    END LOOP;
    DELETE FROM ratio_counts_day d
    WHERE d.as_of NOT BETWEEN p_today - 1 AND p_today + 1
      AND NOT (NOT d.registered_only
               AND d.as_of = (date_trunc('month', d.as_of::timestamp) + interval '1 month' - interval '1 day')::date
               AND d.as_of < p_today
               AND d.as_of >= (date_trunc('month', p_today::timestamp)
                               - make_interval(months => ratio_counts_months_held()))::date);
    RETURN computed;
END
$$;

-- CREATE OR REPLACE keeps the grants but not the SET clause: pinned again, as sql/0021 pinned it.
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION ratio_counts_roll(date, boolean) SET search_path = %I, pg_temp', current_schema());
END
$$;
