-- The maintained ratio figure (docs/scaling.md, "The maintained ratio figure").
--
-- ratio_counts and ratio_department_counts hold, for each held day and counting mode (all
-- certificates, or registered only), exactly the rows that enterprise_ratio_on(day, NULL, mode) and
-- enterprise_department_ratio_on(day, NULL, mode) return: the rule stays in those functions, and
-- every row here is copied from them, never computed another way.
--
-- Which days: the rows of ratio_counts_day. ratio_counts_roll(today) holds today and the month ends
-- of the window (ratio_counts_months_held() of them, before today: one), computes the ones not yet held
-- and lets go of the others; `esw ratio` calls it on the first read of a new day. A day not held is
-- computed by the functions as before, with the same output.
--
-- Kept in step: statement-level triggers (with transition tables, so raw SQL is caught too) on
-- employment, certificate, certificate_registration and enterprise note the enterprises a statement
-- touches in ratio_counts_pending; one deferred trigger per transaction then recomputes those
-- enterprises, for every held day, just before COMMIT. One recomputation per transaction however
-- many statements it makes, and in the same transaction: a write and its figure commit together.
-- A change reaches every enterprise the person works at (a certificate is the person's), and every
-- held day (a back-dated hiring changes past month ends).
--
-- Concurrency: the recomputations of all transactions take turns (a SHARE ROW EXCLUSIVE lock on
-- ratio_counts_day, held from the recomputation to COMMIT) and each reads only after it has its
-- turn, so it sees every change committed before. A certificate's enterprises are found then too,
-- not when the certificate was written: an employment another transaction committed meanwhile (the
-- same person hired elsewhere) is counted. Writes themselves do not wait for each other; only their
-- last step does, and a reader never waits.

-- 1. The tables ---------------------------------------------------------------------------------

CREATE TABLE ratio_counts_day (
    as_of date NOT NULL,
    registered_only boolean NOT NULL,
    PRIMARY KEY (as_of, registered_only)
);
COMMENT ON TABLE ratio_counts_day IS
    'The days (and counting modes) whose ratio counts ratio_counts holds (docs/scaling.md).';

CREATE TABLE ratio_counts (
    as_of date NOT NULL,
    registered_only boolean NOT NULL,
    enterprise_id bigint NOT NULL REFERENCES enterprise (id) ON DELETE CASCADE,
    tracked bigint NOT NULL,
    certified bigint NOT NULL,
    junior bigint NOT NULL,
    intermediate bigint NOT NULL,
    senior bigint NOT NULL,
    ratio numeric,
    PRIMARY KEY (as_of, registered_only, enterprise_id),
    FOREIGN KEY (as_of, registered_only) REFERENCES ratio_counts_day ON DELETE CASCADE
);
COMMENT ON TABLE ratio_counts IS
    'enterprise_ratio_on(as_of, NULL, registered_only) for each held day, kept in step by triggers; '
    'esw db check compares it with the function.';

CREATE TABLE ratio_department_counts (
    as_of date NOT NULL,
    registered_only boolean NOT NULL,
    enterprise_id bigint NOT NULL REFERENCES enterprise (id) ON DELETE CASCADE,
    department department_kind NOT NULL,
    tracked bigint NOT NULL,
    certified bigint NOT NULL,
    ratio numeric,
    PRIMARY KEY (as_of, registered_only, enterprise_id, department),
    FOREIGN KEY (as_of, registered_only) REFERENCES ratio_counts_day ON DELETE CASCADE
);
COMMENT ON TABLE ratio_department_counts IS
    'enterprise_department_ratio_on(as_of, NULL, registered_only) for each held day, kept in step by triggers.';

-- The enterprises a transaction changed, until its deferred trigger recomputes them (each row lives
-- inside one transaction: written by it, deleted by it before it commits). Unlogged: nothing in it
-- outlives a crash that it would need to.
CREATE UNLOGGED TABLE ratio_counts_pending (
    xact xid8 NOT NULL DEFAULT pg_current_xact_id(),
    enterprise_id bigint NOT NULL,
    PRIMARY KEY (xact, enterprise_id)
);
-- Persons whose certificates a transaction changed: their enterprises are found at commit.
CREATE UNLOGGED TABLE ratio_counts_pending_person (
    xact xid8 NOT NULL DEFAULT pg_current_xact_id(),
    person_id bigint NOT NULL,
    PRIMARY KEY (xact, person_id)
);
-- One row per transaction with pending enterprises: its insertion queues the one deferred trigger.
CREATE UNLOGGED TABLE ratio_counts_pending_xact (
    xact xid8 PRIMARY KEY DEFAULT pg_current_xact_id()
);

-- 2. Recomputing --------------------------------------------------------------------------------

-- How many month ends before today the figure holds. Each held day costs a bulk import one pass of
-- both functions over the enterprises it touches (about 2.3 s for the country's 1,000,000
-- employments, docs/scaling.md), so one: the last month end, beside today.
CREATE FUNCTION ratio_counts_months_held() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;

-- Up to this many enterprises are recomputed one by one (the functions filtered on one id, through
-- the employment index); more, by one pass of the functions over the country per held day.
CREATE FUNCTION ratio_counts_one_by_one_limit() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 200 $$;

-- Replaces the rows of these enterprises on one held day with what the functions return.
CREATE FUNCTION ratio_counts_compute(p_as_of date, p_registered_only boolean, p_enterprises bigint[]) RETURNS void
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
        INSERT INTO ratio_counts
        SELECT p_as_of, p_registered_only, r.enterprise_id, r.tracked, r.certified, r.junior, r.intermediate,
               r.senior, r.ratio
        FROM enterprise_ratio_on(p_as_of, NULL, p_registered_only) r
        WHERE r.enterprise_id IN (SELECT unnest(p_enterprises));
        INSERT INTO ratio_department_counts
        SELECT p_as_of, p_registered_only, d.enterprise_id, d.department, d.tracked, d.certified, d.ratio
        FROM enterprise_department_ratio_on(p_as_of, NULL, p_registered_only) d
        WHERE d.enterprise_id IN (SELECT unnest(p_enterprises));
    END IF;
END
$$;
COMMENT ON FUNCTION ratio_counts_compute(date, boolean, bigint[]) IS
    'Copies enterprise_ratio_on and enterprise_department_ratio_on for these enterprises on one held day.';

-- The recomputations' turn: taken before reading, kept to COMMIT (readers are not held up).
CREATE FUNCTION ratio_counts_take_turn() RETURNS void
LANGUAGE sql AS $$
    LOCK TABLE ratio_counts_day IN SHARE ROW EXCLUSIVE MODE
$$;

-- Recomputes these enterprises on every held day, in its turn.
CREATE FUNCTION ratio_counts_refresh(p_enterprises bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    ids bigint[];
    held record;
BEGIN
    PERFORM ratio_counts_take_turn();
    ids := array(SELECT DISTINCT unnest(p_enterprises) ORDER BY 1);
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    FOR held IN SELECT d.as_of, d.registered_only FROM ratio_counts_day d ORDER BY 1, 2 LOOP
        PERFORM ratio_counts_compute(held.as_of, held.registered_only, ids);
    END LOOP;
END
$$;
COMMENT ON FUNCTION ratio_counts_refresh(bigint[]) IS
    'Recomputes the held ratio counts of these enterprises on every held day (one transaction at a time).';

-- The deferred trigger: recomputes what this transaction noted, once, just before it commits.
CREATE FUNCTION ratio_counts_refresh_pending() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    ids bigint[];
BEGIN
    PERFORM ratio_counts_take_turn();
    -- The enterprises noted, and those where the noted persons work or worked, as committed now.
    ids := array(
        SELECT p.enterprise_id FROM ratio_counts_pending p WHERE p.xact = pg_current_xact_id()
        UNION
        SELECT e.enterprise_id FROM employment e
        WHERE e.person_id IN (SELECT q.person_id FROM ratio_counts_pending_person q
                              WHERE q.xact = pg_current_xact_id()));
    DELETE FROM ratio_counts_pending WHERE xact = pg_current_xact_id();
    DELETE FROM ratio_counts_pending_person WHERE xact = pg_current_xact_id();
    DELETE FROM ratio_counts_pending_xact WHERE xact = pg_current_xact_id();
    PERFORM ratio_counts_refresh(ids);
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER ratio_counts_refresh AFTER INSERT ON ratio_counts_pending_xact
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ratio_counts_refresh_pending();

-- 3. Noting what a statement changed --------------------------------------------------------------

-- Notes enterprises to recompute at commit (the caller has inserted them into ratio_counts_pending).
CREATE FUNCTION ratio_counts_queue() RETURNS void
LANGUAGE sql AS $$
    INSERT INTO ratio_counts_pending_xact DEFAULT VALUES ON CONFLICT DO NOTHING
$$;

CREATE FUNCTION ratio_counts_note_employment() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM ratio_counts_note_all();
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO ratio_counts_pending (enterprise_id) SELECT DISTINCT enterprise_id FROM new_rows
        ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO ratio_counts_pending (enterprise_id) SELECT DISTINCT enterprise_id FROM old_rows
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO ratio_counts_pending (enterprise_id)
        SELECT enterprise_id FROM new_rows UNION SELECT enterprise_id FROM old_rows
        ON CONFLICT DO NOTHING;
    END IF;
    PERFORM ratio_counts_queue();
    RETURN NULL;
END
$$;

-- A certificate (and its registrations) is the person's: every enterprise the person works or
-- worked at is touched, as found at commit.
CREATE FUNCTION ratio_counts_note_persons(p_persons bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO ratio_counts_pending_person (person_id)
    SELECT DISTINCT p FROM unnest(p_persons) p WHERE p IS NOT NULL
    ON CONFLICT DO NOTHING;
    SELECT ratio_counts_queue();
$$;

CREATE FUNCTION ratio_counts_note_all() RETURNS void
LANGUAGE sql AS $$
    INSERT INTO ratio_counts_pending (enterprise_id) SELECT id FROM enterprise ON CONFLICT DO NOTHING;
    SELECT ratio_counts_queue();
$$;

CREATE FUNCTION ratio_counts_note_certificate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM ratio_counts_note_all();
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM ratio_counts_note_persons(array(SELECT DISTINCT person_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM ratio_counts_note_persons(array(SELECT DISTINCT person_id FROM old_rows));
    ELSE
        PERFORM ratio_counts_note_persons(array(SELECT person_id FROM new_rows UNION SELECT person_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION ratio_counts_note_registration() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM ratio_counts_note_all();
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM ratio_counts_note_persons(array(
            SELECT DISTINCT c.person_id FROM certificate c WHERE c.id IN (SELECT certificate_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM ratio_counts_note_persons(array(
            SELECT DISTINCT c.person_id FROM certificate c WHERE c.id IN (SELECT certificate_id FROM old_rows)));
    ELSE
        PERFORM ratio_counts_note_persons(array(
            SELECT DISTINCT c.person_id FROM certificate c
            WHERE c.id IN (SELECT certificate_id FROM new_rows UNION SELECT certificate_id FROM old_rows)));
    END IF;
    RETURN NULL;
END
$$;

-- A new enterprise has counts (zero) on every held day, as enterprise_ratio_on returns it.
CREATE FUNCTION ratio_counts_note_enterprise() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO ratio_counts_pending (enterprise_id) SELECT id FROM new_rows ON CONFLICT DO NOTHING;
    PERFORM ratio_counts_queue();
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
    op text;
BEGIN
    FOREACH t IN ARRAY ARRAY['employment', 'certificate', 'certificate_registration'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION %I()', t || '_ratio_counts_insert', t,
                       'ratio_counts_note_' || CASE t WHEN 'certificate_registration' THEN 'registration' ELSE t END);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION %I()', t || '_ratio_counts_update', t,
                       'ratio_counts_note_' || CASE t WHEN 'certificate_registration' THEN 'registration' ELSE t END);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION %I()', t || '_ratio_counts_delete', t,
                       'ratio_counts_note_' || CASE t WHEN 'certificate_registration' THEN 'registration' ELSE t END);
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                       t || '_ratio_counts_truncate', t,
                       'ratio_counts_note_' || CASE t WHEN 'certificate_registration' THEN 'registration' ELSE t END);
    END LOOP;
END
$$;
CREATE TRIGGER enterprise_ratio_counts_insert AFTER INSERT ON enterprise REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ratio_counts_note_enterprise();

-- 4. Which days are held ---------------------------------------------------------------------------

-- Holds today (in the given mode) and, for all certificates, the month ends of the window before
-- it, computing each day not yet held for every enterprise; lets go of the days no longer in the
-- window (the day before today and after it are kept, for clients in other time zones). Returns
-- how many days it computed. Two callers at once: the second waits for the first's turn and finds
-- the days held.
CREATE FUNCTION ratio_counts_roll(p_today date, p_registered_only boolean DEFAULT false) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    wanted record;
    computed integer := 0;
    all_ids bigint[];
BEGIN
    PERFORM ratio_counts_take_turn();
    FOR wanted IN
        SELECT p_today AS as_of, p_registered_only AS registered_only
        UNION
        SELECT (date_trunc('month', p_today::timestamp) - make_interval(months => m - 1) - interval '1 day')::date,
               false
        FROM generate_series(1, ratio_counts_months_held()) m
        ORDER BY 1, 2
    LOOP
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
COMMENT ON FUNCTION ratio_counts_roll(date, boolean) IS
    'Holds today and the window of month ends in ratio_counts (computing the days not held yet); returns how '
    'many days it computed.';

-- Whether the figure holds a day: the readers read the tables then, and compute otherwise.
CREATE FUNCTION ratio_counts_held(p_as_of date, p_registered_only boolean) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM ratio_counts_day d WHERE d.as_of = p_as_of AND d.registered_only = p_registered_only)
$$;

-- 5. Checking ------------------------------------------------------------------------------------

-- Every difference between the held counts and the functions, on every held day: the enterprise,
-- the day, the mode, the department (NULL for the enterprise's own row) and both values as text.
CREATE FUNCTION ratio_counts_differences()
RETURNS TABLE (as_of date, registered_only boolean, enterprise_id bigint, department department_kind,
               stored text, computed text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    held record;
BEGIN
    FOR held IN SELECT d.as_of, d.registered_only FROM ratio_counts_day d ORDER BY 1, 2 LOOP
        RETURN QUERY
            SELECT held.as_of, held.registered_only, coalesce(s.enterprise_id, c.enterprise_id), NULL::department_kind,
                   CASE WHEN s.enterprise_id IS NOT NULL
                        THEN format('%s/%s (%s %s %s)', s.tracked, s.certified, s.junior, s.intermediate, s.senior) END,
                   CASE WHEN c.enterprise_id IS NOT NULL
                        THEN format('%s/%s (%s %s %s)', c.tracked, c.certified, c.junior, c.intermediate, c.senior) END
            FROM (SELECT * FROM ratio_counts x WHERE x.as_of = held.as_of AND x.registered_only = held.registered_only) s
            FULL JOIN enterprise_ratio_on(held.as_of, NULL, held.registered_only) c ON c.enterprise_id = s.enterprise_id
            WHERE (s.tracked, s.certified, s.junior, s.intermediate, s.senior, s.ratio)
                  IS DISTINCT FROM (c.tracked, c.certified, c.junior, c.intermediate, c.senior, c.ratio)
               OR s.ratio::text IS DISTINCT FROM c.ratio::text;
        RETURN QUERY
            SELECT held.as_of, held.registered_only, coalesce(s.enterprise_id, c.enterprise_id),
                   coalesce(s.department, c.department),
                   CASE WHEN s.enterprise_id IS NOT NULL THEN format('%s/%s', s.tracked, s.certified) END,
                   CASE WHEN c.enterprise_id IS NOT NULL THEN format('%s/%s', c.tracked, c.certified) END
            FROM (SELECT * FROM ratio_department_counts x
                  WHERE x.as_of = held.as_of AND x.registered_only = held.registered_only) s
            FULL JOIN enterprise_department_ratio_on(held.as_of, NULL, held.registered_only) c
                ON c.enterprise_id = s.enterprise_id AND c.department = s.department
            WHERE (s.tracked, s.certified, s.ratio) IS DISTINCT FROM (c.tracked, c.certified, c.ratio)
               OR s.ratio::text IS DISTINCT FROM c.ratio::text;
    END LOOP;
END
$$;
COMMENT ON FUNCTION ratio_counts_differences() IS
    'Recomputes every held day with the ratio functions and returns each row where ratio_counts or '
    'ratio_department_counts differs (esw db check).';

-- 6. Access ----------------------------------------------------------------------------------------

-- The counts are enterprise data: read with the enterprise's scope; written only by the functions
-- above (as the owner), whoever made the change.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ratio_counts', 'ratio_department_counts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO esw_app
                        USING ((SELECT esw_sees_country()) OR enterprise_id IN (SELECT esw_scope_enterprise_ids()))',
                       t || '_read', t);
        EXECUTE format('GRANT SELECT ON %I TO esw_app', t);
    END LOOP;
    GRANT SELECT ON ratio_counts_day TO esw_app;
    FOREACH t IN ARRAY ARRAY['ratio_counts_refresh(bigint[])', 'ratio_counts_refresh_pending()',
                             'ratio_counts_note_employment()', 'ratio_counts_note_certificate()',
                             'ratio_counts_note_registration()', 'ratio_counts_note_enterprise()',
                             'ratio_counts_roll(date, boolean)', 'ratio_counts_take_turn()', 'ratio_counts_queue()',
                             'ratio_counts_note_persons(bigint[])', 'ratio_counts_note_all()',
                             'ratio_counts_compute(date, boolean, bigint[])'] LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', t, current_schema());
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', t);
    END LOOP;
    GRANT EXECUTE ON FUNCTION ratio_counts_roll(date, boolean) TO esw_app;
END
$$;

-- Today and the month ends of the window, from the start.
SELECT ratio_counts_roll(current_date);
