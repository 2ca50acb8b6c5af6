-- Writes as a signed-in esw user (docs/access.md, "Writes as a signed-in user").
--
-- Under row-level security a user sees only the rows of their scope, yet some writes within the
-- scope must find rows outside it: a roster import hires a person who is employed elsewhere (or
-- added a moment ago, with no employment yet, so not visible either) and must refuse a certificate
-- number someone else holds; a cancellation frees a seat that the first on the waitlist takes, who
-- may be another enterprise's staff. Those steps are SECURITY DEFINER functions (esw_*) that check
-- the caller's role and scope themselves, return no name and no ID number, and are executable by
-- esw_app only (docs/access.md lists each). esw calls an invoker function in front of each, which
-- with no esw user (the owner, as before) does the same with the caller's own rights.

-- 1. A roster's persons ---------------------------------------------------------------------------

-- For each ID number given (with the name the file gives it): the person's id and whether the
-- record has another name; persons not on record are left out. Reads with the caller's rights.
CREATE FUNCTION person_ids_of(p_id_numbers text[], p_names text[])
RETURNS TABLE (id_number text, person_id bigint, name_differs boolean)
LANGUAGE sql STABLE AS $$
    SELECT p.id_number::text, p.id, bool_or(p.name IS DISTINCT FROM g.name)
    FROM unnest(p_id_numbers, p_names) AS g (id_number, name)
    JOIN person p ON p.id_number = g.id_number
    GROUP BY p.id_number, p.id
$$;

-- Adds the persons given (ID number and name) who are not on record, in ID-number order, so that
-- two imports adding the same persons wait on each other in one order. With the caller's rights.
CREATE FUNCTION add_missing_persons(p_id_numbers text[], p_names text[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
    INSERT INTO person (id_number, name)
    SELECT DISTINCT ON (g.id_number) g.id_number, g.name
    FROM unnest(p_id_numbers, p_names) WITH ORDINALITY AS g (id_number, name, ord)
    WHERE g.name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = g.id_number)
    ORDER BY g.id_number, g.ord
    ON CONFLICT (id_number) DO NOTHING
$$;

-- person_ids_of for a user who may write rosters (42501 otherwise), whatever their scope sees. It
-- tells a roster writer that an ID number is on record, as the unique index of ID numbers already
-- does to anyone who may add a person, and whether a name matches it; never the name on record.
CREATE FUNCTION esw_roster_persons(p_id_numbers text[], p_names text[])
RETURNS TABLE (id_number text, person_id bigint, name_differs boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
BEGIN
    PERFORM esw_may_write('roster');
    RETURN QUERY SELECT * FROM person_ids_of(p_id_numbers, p_names);
END
$$;
COMMENT ON FUNCTION esw_roster_persons(text[], text[]) IS
    'For a roster writer: the ids of the persons with these ID numbers and whether a given name differs.';

-- add_missing_persons for a user who may write rosters (42501 otherwise): INSERT ... ON CONFLICT
-- needs SELECT rights on the row it inserts, and a new person is visible to no scope until
-- employed there.
CREATE FUNCTION esw_add_persons(p_id_numbers text[], p_names text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$
BEGIN
    PERFORM esw_may_write('roster');
    PERFORM add_missing_persons(p_id_numbers, p_names);
END
$$;
COMMENT ON FUNCTION esw_add_persons(text[], text[]) IS
    'For a roster writer: adds the persons with these ID numbers and names that are not on record.';

-- What a roster import calls: for an esw user the two above; for a connection with none (the
-- owner) the same with its own rights.
CREATE FUNCTION roster_persons(p_id_numbers text[], p_names text[])
RETURNS TABLE (id_number text, person_id bigint, name_differs boolean)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF esw_actor_id() IS NOT NULL THEN
        RETURN QUERY SELECT * FROM esw_roster_persons(p_id_numbers, p_names);
    ELSE
        RETURN QUERY SELECT * FROM person_ids_of(p_id_numbers, p_names);
    END IF;
END
$$;
COMMENT ON FUNCTION roster_persons(text[], text[]) IS
    'The ids of the persons with these ID numbers and whether a given name differs, for a roster import.';

CREATE FUNCTION add_persons(p_id_numbers text[], p_names text[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF esw_actor_id() IS NOT NULL THEN
        PERFORM esw_add_persons(p_id_numbers, p_names);
    ELSE
        PERFORM add_missing_persons(p_id_numbers, p_names);
    END IF;
END
$$;
COMMENT ON FUNCTION add_persons(text[], text[]) IS 'Adds the persons of a roster import that are not on record yet.';

-- Of the certificate numbers given, each with the ID number of its holder in the file, those on
-- record for another person: certificate numbers are unique nationally, and the holder may be
-- outside the caller's scope. Returns those numbers only (the caller's own input), nothing about
-- the holder; nothing without an esw user (the owner sees every certificate itself); 42501 for a
-- role that may not write rosters.
CREATE FUNCTION esw_certificates_held_by_others(p_numbers text[], p_id_numbers text[]) RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
BEGIN
    IF esw_actor_id() IS NULL THEN
        RETURN;
    END IF;
    PERFORM esw_may_write('roster');
    RETURN QUERY
        SELECT DISTINCT g.certificate_no
        FROM unnest(p_numbers, p_id_numbers) AS g (certificate_no, id_number)
        JOIN certificate c ON c.certificate_no = g.certificate_no
        JOIN person p ON p.id = c.person_id
        WHERE p.id_number::text <> g.id_number;
END
$$;
COMMENT ON FUNCTION esw_certificates_held_by_others(text[], text[]) IS
    'For a roster writer: which of these certificate numbers are on record for another holder.';

-- True when an esw user with a scope short of the country acts: what they do not see may exist.
CREATE FUNCTION esw_has_scope() RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT esw_actor_id() IS NOT NULL AND NOT esw_sees_country() $$;

-- The reason for a USCC the caller cannot see: for a user with a scope, that it is outside the
-- scope (never whether such an enterprise exists); otherwise the given reason.
CREATE FUNCTION unknown_enterprise_reason(p_reason text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN esw_has_scope() THEN 'is outside your scope' ELSE p_reason END
$$;

-- 2. Cancelling an enrollment --------------------------------------------------------------------

-- What cancel_enrollment did (sql/0003), unchanged, under whatever rights it runs with; the new
-- cancel_enrollment below calls it.
ALTER FUNCTION cancel_enrollment(bigint, bigint) RENAME TO enrollment_cancel_and_promote;
COMMENT ON FUNCTION enrollment_cancel_and_promote(bigint, bigint) IS
    'Cancels an enrollment and promotes the first on the waitlist to a freed seat, with the caller''s rights.';

-- For a user who may write enrollments: cancels an enrollment of their scope's staff (one of
-- another scope is "no enrollment", as if it were not there) and promotes the first on the
-- waitlist, whoever's staff they are. Says whether someone was promoted, and who only when that
-- person's enrollment is of the caller's scope.
CREATE FUNCTION esw_cancel_enrollment(p_event bigint, p_person bigint, OUT promoted_person bigint,
                                      OUT promoted boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$
DECLARE
    next_person bigint;
BEGIN
    PERFORM esw_may_write('enrollments');
    IF NOT esw_sees_country() AND NOT EXISTS (
            SELECT 1 FROM enrollment e
            WHERE e.event_id = p_event AND e.person_id = p_person AND e.status IN ('enrolled', 'waitlisted')
              AND e.enterprise_id IN (SELECT esw_scope_enterprise_ids())) THEN
        RAISE EXCEPTION 'person % holds no enrollment in event % to cancel', p_person, p_event
            USING ERRCODE = 'no_data_found';
    END IF;
    next_person := enrollment_cancel_and_promote(p_event, p_person);
    promoted := next_person IS NOT NULL;
    IF esw_sees_country() OR EXISTS (
            SELECT 1 FROM enrollment e
            WHERE e.event_id = p_event AND e.person_id = next_person
              AND e.enterprise_id IN (SELECT esw_scope_enterprise_ids())) THEN
        promoted_person := next_person;
    END IF;
END
$$;
COMMENT ON FUNCTION esw_cancel_enrollment(bigint, bigint) IS
    'For an enrollment writer: cancels an enrollment of the scope and promotes the next on the waitlist.';

-- Cancels a person's enrollment and, when that frees a seat, promotes the first person on the
-- waitlist in the same transaction. Returns the promoted person's id, or NULL, and whether anyone
-- was promoted: for an esw user, the id is NULL also when the promoted person is outside their scope.
CREATE FUNCTION cancel_enrollment(p_event bigint, p_person bigint, OUT promoted_person bigint, OUT promoted boolean)
LANGUAGE plpgsql AS $$
BEGIN
    IF esw_actor_id() IS NULL THEN
        promoted_person := enrollment_cancel_and_promote(p_event, p_person);
        promoted := promoted_person IS NOT NULL;
    ELSE
        SELECT c.promoted_person, c.promoted INTO promoted_person, promoted
        FROM esw_cancel_enrollment(p_event, p_person) c;
    END IF;
END
$$;
COMMENT ON FUNCTION cancel_enrollment(bigint, bigint) IS
    'Cancels an enrollment and promotes the first on the waitlist to a freed seat; returns the promoted person.';

-- 3. A region's new enterprise -------------------------------------------------------------------

-- A region coordinator or bureau adding an enterprise of its region sees it at once (INSERT ...
-- RETURNING, and an import's merge, read the new row back), not from the next statement on, when
-- esw_scope_enterprise_ids() includes it: the region's rows are also those whose code is in it.
ALTER POLICY enterprise_read ON enterprise USING (
    (SELECT esw_sees_country()) OR id IN (SELECT esw_scope_enterprise_ids())
    OR region_code LIKE (SELECT esw_scope_pattern()));

-- 4. Privileges ----------------------------------------------------------------------------------

DO $$
DECLARE
    definer text;
BEGIN
    FOREACH definer IN ARRAY ARRAY['esw_roster_persons(text[], text[])', 'esw_add_persons(text[], text[])',
                                  'esw_certificates_held_by_others(text[], text[])',
                                  'esw_cancel_enrollment(bigint, bigint)']
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', definer, current_schema());
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', definer);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO esw_app', definer);
    END LOOP;
END
$$;
