-- The scope resolved once per statement and table (docs/access.md, BENCHMARKS.md "Row-level security").
--
-- Under sql/0016 a coordinator's one-enterprise ratio still took 1.7 times the owner's: every
-- policy began with (SELECT esw_sees_country()), so each table a statement read resolved the
-- acting user once for that test and once more for its scope, and the certificate policy built the
-- visible persons from a second call of the scope's enterprise ids, itself a call of esw_actor()
-- and a cast of the USCC to its domain (whose check, uscc_problem(), cost as much as the lookup).
-- Here:
--   - every policy tests the scope first and the country last. PostgreSQL evaluates an initplan or
--     a hashed subplan only when a row needs it, so a user whose rows are all in the scope resolves
--     the scope once per table and never asks whether they see the country; a country role finds
--     nothing in the (empty) scope sets and reads the country flag once. Policies of rows that hang
--     off a parent keep the country first: their test is a lookup per row, not a set built once;
--   - esw_scope_enterprise_ids() reads the acting user and the scope in one function, with no
--     domain cast, and returns no ids for the country roles (their policies' last test);
--   - esw_visible_person_ids() joins the scope's ids to the three tables in one query;
--   - national training events (no organizer) are visible to a signed-in user only, as
--     docs/access.md says (sql/0014 showed them to a connection with no user too);
--   - in_region() and region_prefix() name what they call schema-qualified: a SQL function's body
--     is parsed where it is inlined, under the caller's search_path, so a client with a schema of
--     its own on that path could have shadowed region_prefix() or LIKE inside a policy.
-- The token is still the only thing that names a user; nothing is cached in a setting.

DO $do$
DECLARE
    s name := current_schema();
    reader record;
BEGIN
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.region_prefix(code text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
            SELECT CASE WHEN code OPERATOR(pg_catalog.~~) '__0000' THEN pg_catalog.left(code, 2)
                        WHEN code OPERATOR(pg_catalog.~~) '____00' THEN pg_catalog.left(code, 4)
                        ELSE code END
        $body$ $f$, s);
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.in_region(enterprise_region text, region text) RETURNS boolean
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
            SELECT region IS NULL
                OR enterprise_region OPERATOR(pg_catalog.~~) (%1$I.region_prefix(region) OPERATOR(pg_catalog.||) '%%')
        $body$ $f$, s);

    -- The acting user (sql/0016), with the token's hash computed once into a variable: inside the
    -- query, it was computed again for each session row the scan read.
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.esw_actor(OUT user_id bigint, OUT user_name text, OUT role %1$I.app_role,
                                                 OUT enterprise_uscc text, OUT region_code text)
        LANGUAGE plpgsql STABLE SECURITY DEFINER AS $body$
        #variable_conflict use_column
        DECLARE
            session_hash pg_catalog.bytea := pg_catalog.sha256(pg_catalog.convert_to(
                NULLIF(pg_catalog.current_setting('esw.session', true), ''), 'UTF8'));
        BEGIN
            IF session_hash IS NULL THEN
                RETURN;
            END IF;
            SELECT u.id, u.name, u.role, u.enterprise_uscc, u.region_code
            INTO user_id, user_name, role, enterprise_uscc, region_code
            FROM %1$I.app_session s JOIN %1$I.app_user u ON u.id OPERATOR(pg_catalog.=) s.user_id
            WHERE s.token_hash OPERATOR(pg_catalog.=) session_hash
              AND s.expires_at OPERATOR(pg_catalog.>) pg_catalog.now() AND u.disabled_at IS NULL;
        END
        $body$ $f$, s);

    -- The ids of the enterprises of the acting user's scope: one by its USCC, a region's by code
    -- prefix; none for the country roles (every policy tests esw_sees_country() after it) and none
    -- without a user. The USCC is compared as text in the column's collation: a cast to the uscc
    -- domain would run its check, uscc_problem(), at every call.
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.esw_scope_enterprise_ids() RETURNS SETOF bigint
        LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 100 AS $body$
        DECLARE
            actor record := %1$I.esw_actor();
        BEGIN
            IF actor.enterprise_uscc IS NOT NULL THEN
                RETURN QUERY SELECT e.id FROM %1$I.enterprise e
                    WHERE e.uscc OPERATOR(pg_catalog.=) (actor.enterprise_uscc COLLATE pg_catalog."C");
            ELSIF actor.region_code IS NOT NULL THEN
                RETURN QUERY SELECT e.id FROM %1$I.enterprise e
                    WHERE e.region_code OPERATOR(pg_catalog.~~)
                          (%1$I.region_prefix(actor.region_code) OPERATOR(pg_catalog.||) '%%');
            END IF;
        END
        $body$ $f$, s);

    -- What an enterprise row of the scope matches as region_code || uscc: any region code and the
    -- USCC for the enterprise roles, the region's code prefix, everything for the country roles;
    -- NULL (nothing) without a user. One lookup of the actor, no table: the enterprise policy's
    -- only test, which also matches a region's enterprise added by the running statement.
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.esw_scope_enterprise_pattern() RETURNS text
        LANGUAGE plpgsql STABLE AS $body$
        DECLARE
            actor record := %1$I.esw_actor();
        BEGIN
            RETURN CASE
                WHEN actor.enterprise_uscc IS NOT NULL THEN '______' OPERATOR(pg_catalog.||) actor.enterprise_uscc
                WHEN actor.region_code IS NOT NULL
                    THEN %1$I.region_prefix(actor.region_code) OPERATOR(pg_catalog.||) '%%'
                WHEN actor.role OPERATOR(pg_catalog.=) ANY (ARRAY['ministry', 'admin']::%1$I.app_role[]) THEN '%%'
            END;
        END
        $body$ $f$, s);

    -- The small readers of the actor become PL/pgSQL: as SQL functions, each policy that named one
    -- had its body parsed and inlined while the statement was planned (about a third of the
    -- policies' planning time); called, they cost nothing until a row needs them.
    FOR reader IN SELECT * FROM (VALUES
        ('esw_sees_country', 'boolean', format(
            'COALESCE((%1$I.esw_actor()).role OPERATOR(pg_catalog.=)
                          ANY (ARRAY[''ministry'', ''admin'']::%1$I.app_role[]), false)', s)),
        ('esw_scope_pattern', 'text', format(
            '%1$I.region_prefix((%1$I.esw_actor()).region_code) OPERATOR(pg_catalog.||) ''%%''', s)),
        ('esw_actor_id', 'bigint', format('(%1$I.esw_actor()).user_id', s))) AS r (name, result, expression)
    LOOP
        EXECUTE format('CREATE OR REPLACE FUNCTION %1$I.%2$I() RETURNS %3$s LANGUAGE plpgsql STABLE AS
                        $body$ BEGIN RETURN %4$s; END $body$', s, reader.name, reader.result, reader.expression);
    END LOOP;

    -- The persons linked to an enterprise of the scope by an employment, an enrollment or an exam
    -- registration (none for the country roles and without a user), with the owner's rights.
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.esw_visible_person_ids() RETURNS SETOF bigint
        LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 1000 AS $body$
        BEGIN
            RETURN QUERY
                WITH scope AS MATERIALIZED (SELECT i.id FROM %1$I.esw_scope_enterprise_ids() AS i (id))
                SELECT e.person_id FROM scope JOIN %1$I.employment e ON e.enterprise_id OPERATOR(pg_catalog.=) scope.id
                UNION ALL
                SELECT x.person_id FROM scope JOIN %1$I.enrollment x ON x.enterprise_id OPERATOR(pg_catalog.=) scope.id
                UNION ALL
                SELECT r.person_id FROM scope
                JOIN %1$I.exam_registration r ON r.enterprise_id OPERATOR(pg_catalog.=) scope.id;
        END
        $body$ $f$, s);
END
$do$;

-- The policies of sql/0014 and sql/0015, the same rules with the scope's test first. UPDATE
-- finds the rows its USING shows and checks each new row against the write rule (42501 for a row
-- one may read but not write); esw_may_write raises for a role that may not write the kind at all.
CREATE FUNCTION access_scope_policies(p_table text, p_read text, p_write text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DROP POLICY %I ON %I', p_table || '_read', p_table);
    EXECUTE format('DROP POLICY %I ON %I', p_table || '_insert', p_table);
    EXECUTE format('DROP POLICY %I ON %I', p_table || '_update', p_table);
    EXECUTE format('DROP POLICY %I ON %I', p_table || '_delete', p_table);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO esw_app USING (%s)', p_table || '_read', p_table, p_read);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO esw_app WITH CHECK (%s)',
        p_table || '_insert', p_table, p_write);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO esw_app USING (%s) WITH CHECK (%s)',
        p_table || '_update', p_table, p_read, p_write);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO esw_app USING (%s)', p_table || '_delete', p_table, p_write);
END
$$;

-- Rows keyed by an enterprise: the scope's ids (one hash per statement), then the country.
CREATE FUNCTION access_scope_enterprise_policies(p_table text, p_kind text) RETURNS void
LANGUAGE sql AS $$
    SELECT access_scope_policies(p_table,
        'enterprise_id IN (SELECT esw_scope_enterprise_ids()) OR (SELECT esw_sees_country())',
        format('(SELECT esw_may_write(%L))
                AND (enterprise_id IN (SELECT esw_scope_enterprise_ids()) OR (SELECT esw_sees_country()))', p_kind))
$$;

-- Rows that hang off another row: the country first, since the parent's test is a lookup per row.
CREATE FUNCTION access_scope_child_policies(p_table text, p_column text, p_parent text, p_kind text) RETURNS void
LANGUAGE sql AS $$
    SELECT access_scope_policies(p_table,
        format('(SELECT esw_sees_country()) OR EXISTS (SELECT 1 FROM %I parent WHERE parent.id = %I.%I)',
               p_parent, p_table, p_column),
        format('(SELECT esw_may_write(%L)) AND ((SELECT esw_sees_country())
                OR EXISTS (SELECT 1 FROM %I parent WHERE parent.id = %I.%I))', p_kind, p_parent, p_table, p_column))
$$;

-- Rows keyed by a region code: read by every signed-in user, written within the region.
CREATE FUNCTION access_scope_region_policies(p_table text, p_column text, p_kind text) RETURNS void
LANGUAGE sql AS $$
    SELECT access_scope_policies(p_table,
        '(SELECT esw_actor_id()) IS NOT NULL',
        format('(SELECT esw_may_write(%L)) AND (%I LIKE (SELECT esw_scope_pattern()) OR (SELECT esw_sees_country()))',
               p_kind, p_column))
$$;

-- Enterprises: one test of region_code || uscc against the scope's pattern (it also matches a
-- region's enterprise added by the running statement, which esw_scope_enterprise_ids() would not
-- see: it reads the statement's snapshot). Written by region coordinators and bureaus in their region.
SELECT access_scope_policies('enterprise',
    '(region_code::text || uscc::text) LIKE (SELECT esw_scope_enterprise_pattern())',
    '(SELECT esw_may_write(''enterprises''))
     AND (region_code LIKE (SELECT esw_scope_pattern()) OR (SELECT esw_sees_country()))');

SELECT access_scope_enterprise_policies('employment', 'roster');
SELECT access_scope_enterprise_policies('enrollment', 'enrollments');
SELECT access_scope_enterprise_policies('exam_registration', 'exam_registrations');
SELECT access_scope_enterprise_policies('social_work_post', 'work_records');
SELECT access_scope_enterprise_policies('service_record', 'work_records');

-- Persons through an employment, enrollment or exam registration of the scope; added by a roster
-- writer, changed where employed, removed by an admin only.
SELECT access_scope_policies('person', 'id IN (SELECT esw_visible_person_ids()) OR (SELECT esw_sees_country())',
    '(SELECT esw_may_write(''roster''))');
ALTER POLICY person_update ON person WITH CHECK (
    (SELECT esw_may_write('roster'))
    AND (EXISTS (SELECT 1 FROM employment e WHERE e.person_id = person.id) OR (SELECT esw_sees_country())));
ALTER POLICY person_delete ON person USING ((SELECT esw_may_write('roster')) AND (SELECT esw_sees_country()));

SELECT access_scope_policies('certificate',
    'person_id IN (SELECT esw_visible_person_ids()) OR (SELECT esw_sees_country())',
    '(SELECT esw_may_write(''roster''))
     AND (person_id IN (SELECT esw_visible_person_ids()) OR (SELECT esw_sees_country()))');
SELECT access_scope_child_policies('certificate_registration', 'certificate_id', 'certificate', 'roster');
SELECT access_scope_child_policies('event_quota', 'event_id', 'training_event', 'events');
SELECT access_scope_child_policies('exam_score', 'registration_id', 'exam_registration', 'exam_results');
SELECT access_scope_child_policies('pilot_application_event', 'application_id', 'pilot_application',
                                   'pilot_applications');

DO $do$
BEGIN
    -- Training events: the scope's enterprises' and regions', national ones for a signed-in user,
    -- a region's where a visible enterprise lies in it, or all.
    PERFORM access_scope_policies('training_event',
        format($p$enterprise_id IN (SELECT esw_scope_enterprise_ids()) OR region_code LIKE (SELECT esw_scope_pattern())
         OR (enterprise_id IS NULL AND region_code IS NULL AND (SELECT esw_actor_id()) IS NOT NULL)
         OR (region_code IS NOT NULL
             AND EXISTS (SELECT 1 FROM enterprise en WHERE %1$I.in_region(en.region_code, training_event.region_code)))
         OR (SELECT esw_sees_country())$p$, current_schema()),
        '(SELECT esw_may_write(''events'')) AND (enterprise_id IN (SELECT esw_scope_enterprise_ids())
         OR region_code LIKE (SELECT esw_scope_pattern()) OR (SELECT esw_sees_country()))');
END
$do$;

SELECT access_scope_policies('funding',
    'enterprise_id IN (SELECT esw_scope_enterprise_ids()) OR region_code LIKE (SELECT esw_scope_pattern())
     OR (SELECT esw_sees_country())',
    '(SELECT esw_may_write(''work_records'')) AND (enterprise_id IN (SELECT esw_scope_enterprise_ids())
     OR region_code LIKE (SELECT esw_scope_pattern()) OR (SELECT esw_sees_country()))');

SELECT access_scope_policies('pilot_application',
    'enterprise_id IN (SELECT esw_scope_enterprise_ids()) OR region_code LIKE (SELECT esw_scope_pattern())
     OR service_org_id IN (SELECT id FROM service_org WHERE region_code LIKE (SELECT esw_scope_pattern()))
     OR (SELECT esw_sees_country())',
    '(SELECT esw_may_write(''pilot_applications'')) AND (enterprise_id IN (SELECT esw_scope_enterprise_ids())
     OR region_code LIKE (SELECT esw_scope_pattern())
     OR service_org_id IN (SELECT id FROM service_org WHERE region_code LIKE (SELECT esw_scope_pattern()))
     OR (SELECT esw_sees_country()))');

SELECT access_scope_region_policies('service_org', 'region_code', 'service_orgs');
SELECT access_scope_region_policies('registration_window', 'province_code', 'exam_results');
SELECT access_scope_policies('pass_line', '(SELECT esw_actor_id()) IS NOT NULL',
    '(SELECT esw_may_write(''exam_results''))
     AND (region_code LIKE (SELECT esw_scope_pattern()) OR (SELECT esw_sees_country()))');

-- The trail: the scope's enterprises, one's own writes, or all.
ALTER POLICY audit_trail_read ON audit_trail USING (
    enterprise_id IN (SELECT esw_scope_enterprise_ids()) OR user_id = (SELECT esw_actor_id())
    OR (SELECT esw_sees_country()));

DROP FUNCTION access_scope_enterprise_policies(text, text);
DROP FUNCTION access_scope_child_policies(text, text, text, text);
DROP FUNCTION access_scope_region_policies(text, text, text);
DROP FUNCTION access_scope_policies(text, text, text);
