-- Access: users, roles and scopes, enforced by PostgreSQL row-level security (docs/access.md).
--
-- The tables' owner (the role that runs esw db migrate) sees and changes everything, as before.
-- Everyone else works through the group role esw_app: it owns nothing, cannot bypass row-level
-- security, and sees only what the acting esw user's role and scope allow. The acting user is set
-- by a session token that only esw_login() hands out, after checking the password; the policies
-- read it through esw_actor(). A connection of esw_app with no token set sees nothing.
--
-- Roles are cluster-wide and pgcrypto is database-wide, while an esw schema is one of possibly
-- many in a database (the tests migrate one schema per test, in parallel): both are created only
-- when missing, and a concurrent migration that created them first is not an error.

-- 1. The group role and pgcrypto --------------------------------------------------------------

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'esw_app') THEN
        BEGIN
            CREATE ROLE esw_app NOLOGIN NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another migration, in parallel, created it first
        END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'esw_app' AND (rolbypassrls OR rolsuper)) THEN
        RAISE EXCEPTION 'the role esw_app must not bypass row-level security';
    END IF;
END
$$;

-- Passwords are checked inside the database (esw_login), so that no client ever reads a hash.
-- pgcrypto's crypt() with a Blowfish salt is bcrypt; it ships with PostgreSQL (Debian's
-- postgresql-15 package) and is a trusted extension. Wherever it is installed already, it is used
-- from there; else it goes into its own schema esw_pgcrypto, which no esw schema's removal drops.
DO $$
DECLARE
    crypto name;
BEGIN
    SELECT n.nspname INTO crypto
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pgcrypto';
    IF crypto IS NULL THEN
        BEGIN
            CREATE SCHEMA IF NOT EXISTS esw_pgcrypto;
            CREATE EXTENSION pgcrypto SCHEMA esw_pgcrypto;
        EXCEPTION WHEN duplicate_object OR unique_violation OR duplicate_schema THEN
            NULL;  -- another migration, in parallel, created it first
        END;
        SELECT n.nspname INTO STRICT crypto
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pgcrypto';
    END IF;
    -- The three uses of pgcrypto, bound to where it lives.
    EXECUTE format($f$
        CREATE FUNCTION password_hash_of(password text) RETURNS text
        LANGUAGE sql VOLATILE SECURITY DEFINER AS 'SELECT %1$I.crypt(password, %1$I.gen_salt(''bf'', 10))'
        $f$, crypto);
    EXECUTE format($f$
        CREATE FUNCTION password_matches(password text, hash text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER AS 'SELECT %1$I.crypt(password, hash) = hash'
        $f$, crypto);
    EXECUTE format($f$
        CREATE FUNCTION random_token() RETURNS text
        LANGUAGE sql VOLATILE SECURITY DEFINER AS 'SELECT encode(%1$I.gen_random_bytes(32), ''hex'')'
        $f$, crypto);
END
$$;

COMMENT ON FUNCTION password_hash_of(text) IS
    'bcrypt (pgcrypto crypt with a Blowfish salt, cost 10) of a password; a pure function of its argument.';
COMMENT ON FUNCTION password_matches(text, text) IS
    'Whether a password matches a bcrypt hash; a pure function of its arguments.';
COMMENT ON FUNCTION random_token() IS '32 random bytes (pgcrypto gen_random_bytes), in hex: a session token.';

-- 2. Users and sessions ------------------------------------------------------------------------

CREATE TYPE app_role AS ENUM (
    'enterprise_coordinator', 'enterprise_hr', 'region_coordinator', 'provincial_bureau', 'ministry', 'admin');

CREATE TABLE app_user (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT app_user_name_key UNIQUE
        CONSTRAINT app_user_name_form CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]*$')
        CONSTRAINT app_user_name_length CHECK (char_length(name) <= 100),
    role app_role NOT NULL,
    -- The scope: one enterprise for the enterprise roles, a city or county for a region
    -- coordinator, a province for a bureau, nothing (the country) for the ministry and admins.
    enterprise_uscc uscc REFERENCES enterprise (uscc),
    region_code region_code,
    password_hash text NOT NULL CONSTRAINT app_user_password_hash_length CHECK (char_length(password_hash) <= 100),
    -- A one-time password (from user add or reset-password) is accepted until the user sets
    -- their own, and for one_time_password_lifetime() after it was set.
    password_one_time boolean NOT NULL DEFAULT true,
    password_set_at timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT app_user_scope_fits_role CHECK (CASE role
        WHEN 'enterprise_coordinator' THEN enterprise_uscc IS NOT NULL AND region_code IS NULL
        WHEN 'enterprise_hr' THEN enterprise_uscc IS NOT NULL AND region_code IS NULL
        WHEN 'region_coordinator' THEN enterprise_uscc IS NULL AND region_code NOT LIKE '__0000'
        WHEN 'provincial_bureau' THEN enterprise_uscc IS NULL AND region_code LIKE '__0000'
        ELSE enterprise_uscc IS NULL AND region_code IS NULL END)
);
COMMENT ON TABLE app_user IS 'esw users: one role and one scope each (docs/access.md).';
COMMENT ON COLUMN app_user.name IS 'The user''s login name; letters, digits and . _ @ -; at most 100 characters.';
COMMENT ON COLUMN app_user.password_hash IS 'bcrypt hash (pgcrypto crypt, bf); at most 100 characters.';

CREATE TRIGGER app_user_region_code_known BEFORE INSERT OR UPDATE OF region_code ON app_user
    FOR EACH ROW EXECUTE FUNCTION region_code_known();

CREATE FUNCTION one_time_password_lifetime() RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT interval '7 days' $$;

-- A session: the SHA-256 of the token esw_login returned, never the token itself.
CREATE TABLE app_session (
    token_hash bytea PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES app_user (id),
    expires_at timestamptz NOT NULL
);
CREATE INDEX app_session_expires_idx ON app_session (expires_at);

CREATE FUNCTION session_lifetime() RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT interval '12 hours' $$;

-- The acting user: the one whose session token the connection set, for this transaction
-- (set_config('esw.session', token, true)) or for the session (false). No row, or NULLs, when no
-- token is set, when it is unknown or expired, or when the user was disabled since.
CREATE FUNCTION esw_actor(OUT user_id bigint, OUT user_name text, OUT role app_role,
                          OUT enterprise_uscc text, OUT region_code text)
LANGUAGE sql STABLE SECURITY DEFINER AS $$
    SELECT u.id, u.name, u.role, u.enterprise_uscc, u.region_code
    FROM app_session s JOIN app_user u ON u.id = s.user_id
    WHERE s.token_hash = sha256(convert_to(nullif(current_setting('esw.session', true), ''), 'UTF8'))
      AND s.expires_at > now() AND u.disabled_at IS NULL
$$;
COMMENT ON FUNCTION esw_actor() IS
    'The acting esw user of this transaction, from the session token in esw.session; NULLs when none is set.';

-- Checks a user's password and opens a session: returns the token to set in esw.session. Every
-- refusal (unknown user, wrong password, disabled user, expired one-time password) is the same
-- error, after the same work, so that it says nothing about which part was wrong.
CREATE FUNCTION esw_login(p_name text, p_password text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$
DECLARE
    u app_user;
    token text;
    matches boolean;
BEGIN
    SELECT * INTO u FROM app_user WHERE name = p_name;
    IF FOUND THEN
        matches := password_matches(p_password, u.password_hash);
    ELSE
        PERFORM password_hash_of(p_password);  -- the same bcrypt work as a real check
        matches := false;
    END IF;
    IF NOT matches OR u.disabled_at IS NOT NULL
       OR (u.password_one_time AND u.password_set_at < now() - one_time_password_lifetime()) THEN
        RAISE EXCEPTION 'login refused: wrong user name or password, disabled user, or expired one-time password'
            USING ERRCODE = 'invalid_password';
    END IF;
    DELETE FROM app_session WHERE expires_at < now();
    token := random_token();
    INSERT INTO app_session (token_hash, user_id, expires_at)
    VALUES (sha256(convert_to(token, 'UTF8')), u.id, now() + session_lifetime());
    RETURN token;
END
$$;
COMMENT ON FUNCTION esw_login(text, text) IS
    'Checks a user''s password and returns a session token for esw.session; one error for every refusal.';

-- The acting user replaces their own password (the one-time one, or any): the old one must match.
CREATE FUNCTION esw_set_password(p_old text, p_new text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$
DECLARE
    me bigint := (esw_actor()).user_id;
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'no esw user is set on this connection' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF char_length(p_new) < 12 THEN
        RAISE EXCEPTION 'a new password needs at least 12 characters' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'app_user_password_strength';
    END IF;
    IF NOT password_matches(p_old, (SELECT password_hash FROM app_user WHERE id = me)) THEN
        RAISE EXCEPTION 'login refused: wrong user name or password, disabled user, or expired one-time password'
            USING ERRCODE = 'invalid_password';
    END IF;
    UPDATE app_user SET password_hash = password_hash_of(p_new), password_one_time = false, password_set_at = now()
    WHERE id = me;
END
$$;
COMMENT ON FUNCTION esw_set_password(text, text) IS
    'The acting user replaces their own password; the old one must match.';

-- 3. What each role may change -----------------------------------------------------------------

-- Kinds of data a role may write, within its scope; an admin writes every kind, everywhere.
CREATE TYPE data_kind AS ENUM (
    'enterprises', 'roster', 'work_records', 'events', 'enrollments', 'exam_registrations', 'exam_results',
    'service_orgs', 'pilot_applications', 'pilot_programs', 'users');
CREATE TABLE role_permission (
    role app_role NOT NULL,
    data_kind data_kind NOT NULL,
    PRIMARY KEY (role, data_kind)
);
INSERT INTO role_permission (role, data_kind) VALUES
    ('enterprise_coordinator', 'roster'), ('enterprise_coordinator', 'work_records'),
    ('enterprise_coordinator', 'events'), ('enterprise_coordinator', 'enrollments'),
    ('enterprise_coordinator', 'exam_registrations'),
    ('region_coordinator', 'enterprises'), ('region_coordinator', 'events'), ('region_coordinator', 'enrollments'),
    ('region_coordinator', 'service_orgs'), ('region_coordinator', 'work_records'),
    ('provincial_bureau', 'enterprises'), ('provincial_bureau', 'exam_results'),
    ('provincial_bureau', 'service_orgs'), ('provincial_bureau', 'pilot_applications'),
    ('provincial_bureau', 'work_records'),
    ('ministry', 'exam_results'), ('ministry', 'pilot_programs');
COMMENT ON TABLE role_permission IS 'The kinds of data each role may write within its scope (docs/access.md).';

-- The scope of the acting user, as the policies read it. Each is called as (SELECT f()) in the
-- policies, so that PostgreSQL evaluates it once per statement, not once per row.
CREATE FUNCTION esw_sees_country() RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT coalesce((esw_actor()).role IN ('ministry', 'admin'), false) $$;

-- The LIKE pattern of the region scope (4405% for Shenzhen's city code 440500... of a county, all
-- six digits); NULL for the other roles.
CREATE FUNCTION esw_scope_pattern() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT region_prefix((esw_actor()).region_code) || '%' $$;

CREATE FUNCTION esw_actor_id() RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT (esw_actor()).user_id $$;

-- The ids of the enterprises in the acting user's scope: one by its USCC (through its unique
-- index), a region's by code prefix, every one for the country roles, none without a user. The
-- policies read it as `IN (SELECT esw_scope_enterprise_ids())`, a hash built once per statement.
-- SECURITY DEFINER because the enterprise table's own policy reads it, which must not read the
-- enterprise table under that same policy; it returns ids of the caller's own scope only.
CREATE FUNCTION esw_scope_enterprise_ids() RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 100 AS $$
DECLARE
    actor record;
BEGIN
    SELECT * INTO actor FROM esw_actor();
    IF actor.enterprise_uscc IS NOT NULL THEN
        RETURN QUERY SELECT e.id FROM enterprise e WHERE e.uscc = actor.enterprise_uscc::uscc;
    ELSIF actor.region_code IS NOT NULL THEN
        RETURN QUERY SELECT e.id FROM enterprise e WHERE in_region(e.region_code, actor.region_code);
    ELSIF actor.role IN ('ministry', 'admin') THEN
        RETURN QUERY SELECT e.id FROM enterprise e;
    END IF;
END
$$;

-- The persons the acting user may see: those with (or who had) an employment, an enrollment or an
-- exam registration through an enterprise of the scope. Run with the caller's rights (the tables'
-- own policies apply too); read as `IN (SELECT esw_visible_person_ids())`, one hash per statement
-- rather than a lookup per row. Not used for the country roles, whose policies short-circuit.
CREATE FUNCTION esw_visible_person_ids() RETURNS SETOF bigint
LANGUAGE plpgsql STABLE ROWS 1000 AS $$
BEGIN
    RETURN QUERY
        SELECT e.person_id FROM employment e WHERE e.enterprise_id IN (SELECT esw_scope_enterprise_ids())
        UNION ALL
        SELECT x.person_id FROM enrollment x WHERE x.enterprise_id IN (SELECT esw_scope_enterprise_ids())
        UNION ALL
        SELECT r.person_id FROM exam_registration r WHERE r.enterprise_id IN (SELECT esw_scope_enterprise_ids());
END
$$;
CREATE INDEX enrollment_enterprise_idx ON enrollment (enterprise_id);
CREATE INDEX exam_registration_enterprise_idx ON exam_registration (enterprise_id);

-- True when the acting user's role may write this kind of data; otherwise an error (42501) that
-- names the role and the kind. The scope is checked by each policy.
CREATE FUNCTION esw_may_write(kind text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    actor_role app_role := (esw_actor()).role;
BEGIN
    IF actor_role IS NULL THEN
        RAISE EXCEPTION 'no esw user is set on this connection' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF actor_role = 'admin' OR EXISTS (
            SELECT 1 FROM role_permission p WHERE p.role = actor_role AND p.data_kind = kind::data_kind) THEN
        RETURN true;
    END IF;
    RAISE EXCEPTION 'an esw user with the role % may not change %', actor_role, replace(kind, '_', ' ')
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- 4. Row-level security ------------------------------------------------------------------------
--
-- Per table: the owner's policy (everything), and for esw_app a SELECT policy (what the scope
-- sees) and INSERT, UPDATE and DELETE policies (what the role may write within it). UPDATE finds
-- the visible rows and checks each new row against the write rule, so that changing a row one may
-- read but not write is an error (42501), not a silent no-op; so is any write by a role that may
-- not write that kind of data at all (esw_may_write raises).

CREATE FUNCTION access_policies(p_table text, p_read text, p_write text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO esw_app USING (%s)', p_table || '_read', p_table, p_read);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO esw_app WITH CHECK (%s)',
        p_table || '_insert', p_table, p_write);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO esw_app USING (%s) WITH CHECK (%s)',
        p_table || '_update', p_table, p_read, p_write);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO esw_app USING (%s)', p_table || '_delete', p_table, p_write);
END
$$;

-- Rows keyed by an enterprise: visible and writable with the enterprise.
CREATE FUNCTION access_enterprise_policies(p_table text, p_kind text) RETURNS void
LANGUAGE sql AS $$
    SELECT access_policies(p_table,
        '(SELECT esw_sees_country()) OR enterprise_id IN (SELECT esw_scope_enterprise_ids())',
        format('(SELECT esw_may_write(%L))
                AND ((SELECT esw_sees_country()) OR enterprise_id IN (SELECT esw_scope_enterprise_ids()))', p_kind))
$$;

-- Rows that hang off another row (by a foreign key): visible and writable with it. EXISTS on the
-- parent's key, an index lookup per row, whatever the number of parents in the scope.
CREATE FUNCTION access_child_policies(p_table text, p_column text, p_parent text, p_kind text) RETURNS void
LANGUAGE sql AS $$
    SELECT access_policies(p_table,
        format('(SELECT esw_sees_country()) OR EXISTS (SELECT 1 FROM %I parent WHERE parent.id = %I.%I)',
               p_parent, p_table, p_column),
        format('(SELECT esw_may_write(%L)) AND ((SELECT esw_sees_country())
                OR EXISTS (SELECT 1 FROM %I parent WHERE parent.id = %I.%I))', p_kind, p_parent, p_table, p_column))
$$;

-- Rows keyed by a region code: visible to and written by the regions that contain it.
CREATE FUNCTION access_region_policies(p_table text, p_column text, p_kind text) RETURNS void
LANGUAGE sql AS $$
    SELECT access_policies(p_table,
        '(SELECT esw_actor_id()) IS NOT NULL',
        format('(SELECT esw_may_write(%L)) AND ((SELECT esw_sees_country()) OR %I LIKE (SELECT esw_scope_pattern()))',
               p_kind, p_column))
$$;

-- Enterprises: by USCC, by region code prefix, or all.
SELECT access_policies('enterprise',
    '(SELECT esw_sees_country()) OR id IN (SELECT esw_scope_enterprise_ids())',
    '(SELECT esw_may_write(''enterprises''))
     AND ((SELECT esw_sees_country()) OR region_code LIKE (SELECT esw_scope_pattern()))');

SELECT access_enterprise_policies('employment', 'roster');
SELECT access_enterprise_policies('enrollment', 'enrollments');
SELECT access_enterprise_policies('exam_registration', 'exam_registrations');
SELECT access_enterprise_policies('social_work_post', 'work_records');
SELECT access_enterprise_policies('service_record', 'work_records');

-- A person is visible to a scope when they have (or had) an employment in one of its
-- enterprises, or an enrollment or exam registration made through one. A new person (no
-- employment yet) may be added by a role that writes rosters; their employment follows.
SELECT access_policies('person', '(SELECT esw_sees_country()) OR id IN (SELECT esw_visible_person_ids())',
    '(SELECT esw_may_write(''roster''))');
-- ... but changed only where employed, and removed only by an admin.
ALTER POLICY person_update ON person WITH CHECK (
    (SELECT esw_may_write('roster'))
    AND ((SELECT esw_sees_country()) OR EXISTS (SELECT 1 FROM employment e WHERE e.person_id = person.id)));
ALTER POLICY person_delete ON person USING ((SELECT esw_may_write('roster')) AND (SELECT esw_sees_country()));

-- A certificate goes with its person (the same hash of visible persons, not a lookup per row).
SELECT access_policies('certificate', '(SELECT esw_sees_country()) OR person_id IN (SELECT esw_visible_person_ids())',
    '(SELECT esw_may_write(''roster'')) AND ((SELECT esw_sees_country())
     OR person_id IN (SELECT esw_visible_person_ids()))');
SELECT access_child_policies('certificate_registration', 'certificate_id', 'certificate', 'roster');
SELECT access_child_policies('event_quota', 'event_id', 'training_event', 'events');
SELECT access_child_policies('exam_score', 'registration_id', 'exam_registration', 'exam_results');
SELECT access_child_policies('pilot_application_event', 'application_id', 'pilot_application', 'pilot_applications');

-- Training events: national ones (no organizer) are open to all; an enterprise's go with the
-- enterprise; a region's are visible where one of the visible enterprises lies, and to the
-- coordinators of the region and of the regions within it.
SELECT access_policies('training_event',
    '(SELECT esw_sees_country()) OR (enterprise_id IS NULL AND region_code IS NULL)
     OR enterprise_id IN (SELECT esw_scope_enterprise_ids()) OR region_code LIKE (SELECT esw_scope_pattern())
     OR (region_code IS NOT NULL
         AND EXISTS (SELECT 1 FROM enterprise en WHERE in_region(en.region_code, training_event.region_code)))',
    '(SELECT esw_may_write(''events'')) AND ((SELECT esw_sees_country())
     OR enterprise_id IN (SELECT esw_scope_enterprise_ids()) OR region_code LIKE (SELECT esw_scope_pattern()))');

-- Money: to an enterprise, with the enterprise; to a region, with the region's scope.
SELECT access_policies('funding',
    '(SELECT esw_sees_country()) OR enterprise_id IN (SELECT esw_scope_enterprise_ids())
     OR region_code LIKE (SELECT esw_scope_pattern())',
    '(SELECT esw_may_write(''work_records'')) AND ((SELECT esw_sees_country())
     OR enterprise_id IN (SELECT esw_scope_enterprise_ids()) OR region_code LIKE (SELECT esw_scope_pattern()))');

-- Pilot applications: by an enterprise, a service organization or a region of the scope.
SELECT access_policies('pilot_application',
    '(SELECT esw_sees_country()) OR enterprise_id IN (SELECT esw_scope_enterprise_ids())
     OR region_code LIKE (SELECT esw_scope_pattern())
     OR service_org_id IN (SELECT id FROM service_org WHERE region_code LIKE (SELECT esw_scope_pattern()))',
    '(SELECT esw_may_write(''pilot_applications'')) AND ((SELECT esw_sees_country())
     OR enterprise_id IN (SELECT esw_scope_enterprise_ids()) OR region_code LIKE (SELECT esw_scope_pattern())
     OR service_org_id IN (SELECT id FROM service_org WHERE region_code LIKE (SELECT esw_scope_pattern())))');

-- Reference data every signed-in user reads; written by the roles that keep it, in their scope:
-- a province's registration window and local pass lines are its bureau's; the national line and
-- sessions (no region) are the ministry's and the bureaus' (exam results).
SELECT access_region_policies('service_org', 'region_code', 'service_orgs');
SELECT access_region_policies('registration_window', 'province_code', 'exam_results');
SELECT access_policies('pass_line', '(SELECT esw_actor_id()) IS NOT NULL',
    '(SELECT esw_may_write(''exam_results'')) AND ((SELECT esw_sees_country())
     OR region_code LIKE (SELECT esw_scope_pattern()))');
SELECT access_policies('exam_session', '(SELECT esw_actor_id()) IS NOT NULL',
    '(SELECT esw_may_write(''exam_results''))');
SELECT access_policies('pilot_program', '(SELECT esw_actor_id()) IS NOT NULL',
    '(SELECT esw_may_write(''pilot_programs''))');

-- The notes esw writes beside the trail (audit_note, below): admins read them. Nobody changes
-- them (sql/0012).
CREATE POLICY audit_log_read ON audit_log FOR SELECT TO esw_app USING ((SELECT (esw_actor()).role = 'admin'));

-- Users: an admin sees and manages every user; a user sees their own row.
SELECT access_policies('app_user', 'id = (SELECT esw_actor_id()) OR (SELECT (esw_actor()).role = ''admin'')',
    '(SELECT esw_may_write(''users''))');

-- Every table that holds enterprise or person data, the users and the sessions: RLS enabled and
-- forced; the owner (whoever runs the migrations) keeps everything through its own policy.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'enterprise', 'person', 'employment', 'certificate', 'certificate_registration', 'training_event',
        'event_quota', 'enrollment', 'exam_registration', 'exam_score', 'social_work_post', 'service_record',
        'funding', 'pilot_application', 'pilot_application_event', 'audit_log', 'service_org', 'exam_session',
        'registration_window', 'pass_line', 'pilot_program', 'app_user', 'app_session']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
    END LOOP;
END
$$;

DROP FUNCTION access_enterprise_policies(text, text);
DROP FUNCTION access_child_policies(text, text, text, text);
DROP FUNCTION access_region_policies(text, text, text);
DROP FUNCTION access_policies(text, text, text);

-- 5. The audit trail the database keeps ----------------------------------------------------------
--
-- Every INSERT, UPDATE and DELETE on a data table, by anyone (esw, the web server, psql), is
-- written by statement-level triggers into audit_trail: when (clock_timestamp), the acting esw user
-- and role (from the session token), the login role, the table, and per row its key and the
-- columns before and after (for an UPDATE, only those that changed). Resident ID numbers are
-- masked (first 6 and last 4 characters) and password hashes left out of the copy.
--
-- The rule for bulk work: a statement that changes more than audit_detail_limit() rows of a table
-- is written as one row with the count (and the source the client named in esw.source, e.g. the
-- imported file), not one row per changed row. Writes made by a trigger (the seat counters) are
-- part of the statement that fired it and are not written again.
--
-- audit_trail is append-only (the trigger of sql/0012 refuses UPDATE, DELETE and TRUNCATE, for the
-- owner too); esw_app may only read it, within its scope; rows reach it only through the trigger.

CREATE TYPE audit_operation AS ENUM ('insert', 'update', 'delete');

CREATE TABLE audit_trail (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- The acting esw user; NULL when the writer acted as its database role (the owner, psql).
    user_id bigint,
    user_name text CONSTRAINT audit_trail_user_name_length CHECK (char_length(user_name) <= 100),
    user_role app_role,
    db_role text NOT NULL DEFAULT session_user
        CONSTRAINT audit_trail_db_role_length CHECK (char_length(db_role) <= 100),
    table_name text NOT NULL CONSTRAINT audit_trail_table_name_length CHECK (char_length(table_name) <= 100),
    operation audit_operation NOT NULL,
    -- The enterprise the row belongs to, when it has one (for reading the trail by scope).
    enterprise_id bigint,
    row_key jsonb,
    before jsonb,
    after jsonb,
    -- 1 for a row of its own; the number of rows for a bulk statement's one row (row_key NULL).
    rows bigint NOT NULL DEFAULT 1 CHECK (rows > 0),
    source text CONSTRAINT audit_trail_source_length CHECK (char_length(source) <= 1000)
);
CREATE INDEX audit_trail_at_idx ON audit_trail (at);
CREATE INDEX audit_trail_enterprise_idx ON audit_trail (enterprise_id, at);
COMMENT ON TABLE audit_trail IS 'Every write to a data table, kept by triggers (sql/0014); append-only.';
COMMENT ON COLUMN audit_trail.user_name IS 'The acting esw user''s name; at most 100 characters.';
COMMENT ON COLUMN audit_trail.db_role IS 'The login role of the connection (session_user); at most 100 characters.';
COMMENT ON COLUMN audit_trail.table_name IS 'The table written; at most 100 characters.';
COMMENT ON COLUMN audit_trail.source IS
    'What the client said the statement came from (esw.source: an import''s action and file); at most 1000 characters.';

CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE ON audit_trail
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_trail_no_truncate BEFORE TRUNCATE ON audit_trail
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE FUNCTION audit_detail_limit() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 100 $$;

-- A row as the trail keeps it: the ID number masked, no password hash.
CREATE FUNCTION audit_masked(row_data jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN row_data ? 'id_number'
                THEN jsonb_set(row_data, '{id_number}',
                               to_jsonb(left(row_data->>'id_number', 6) || '********'
                                        || right(row_data->>'id_number', 4)))
                ELSE row_data END - 'password_hash'
$$;

CREATE FUNCTION audit_key(row_data jsonb, keys text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_object_agg(k, row_data->k) FROM unnest(keys) AS k
$$;

-- The columns whose value changed, before and after; NULLs when none did.
CREATE FUNCTION audit_changed(old_data jsonb, new_data jsonb, OUT before jsonb, OUT after jsonb)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, new_data->o.key)
    FROM jsonb_each(old_data) o WHERE o.value IS DISTINCT FROM new_data->o.key
$$;

-- The trigger: one per table and operation, statement-level, with the rows as transition tables
-- and the table's key columns as arguments.
CREATE FUNCTION audit_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    actor record;
    changed bigint;
    one_enterprise bigint;
    op audit_operation := lower(TG_OP)::audit_operation;
    enterprise_key text := CASE WHEN TG_TABLE_NAME = 'enterprise' THEN 'id' ELSE 'enterprise_id' END;
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NULL;  -- a trigger's own write, part of the statement that fired it
    END IF;
    SELECT * INTO actor FROM esw_actor();
    IF TG_OP = 'DELETE' THEN
        SELECT count(*) INTO changed FROM old_rows;
    ELSE
        SELECT count(*) INTO changed FROM new_rows;
    END IF;
    IF changed = 0 THEN
        RETURN NULL;
    END IF;
    IF changed > audit_detail_limit() THEN
        IF TG_OP = 'DELETE' THEN
            SELECT CASE WHEN count(DISTINCT x.e) = 1 THEN min(x.e) END INTO one_enterprise
            FROM (SELECT (to_jsonb(r)->>enterprise_key)::bigint AS e FROM old_rows r) x;
        ELSE
            SELECT CASE WHEN count(DISTINCT x.e) = 1 THEN min(x.e) END INTO one_enterprise
            FROM (SELECT (to_jsonb(r)->>enterprise_key)::bigint AS e FROM new_rows r) x;
        END IF;
        INSERT INTO audit_trail (user_id, user_name, user_role, table_name, operation, enterprise_id, rows, source)
        VALUES (actor.user_id, actor.user_name, actor.role, TG_TABLE_NAME, op, one_enterprise, changed,
                left(nullif(current_setting('esw.source', true), ''), 1000));
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_trail (user_id, user_name, user_role, table_name, operation, enterprise_id, row_key, after,
                                 source)
        SELECT actor.user_id, actor.user_name, actor.role, TG_TABLE_NAME, op, (x.r->>enterprise_key)::bigint,
               audit_key(x.r, TG_ARGV), audit_masked(x.r), left(nullif(current_setting('esw.source', true), ''), 1000)
        FROM (SELECT to_jsonb(n) AS r FROM new_rows n) x;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO audit_trail (user_id, user_name, user_role, table_name, operation, enterprise_id, row_key, before,
                                 source)
        SELECT actor.user_id, actor.user_name, actor.role, TG_TABLE_NAME, op, (x.r->>enterprise_key)::bigint,
               audit_key(x.r, TG_ARGV), audit_masked(x.r), left(nullif(current_setting('esw.source', true), ''), 1000)
        FROM (SELECT to_jsonb(o) AS r FROM old_rows o) x;
    ELSE
        INSERT INTO audit_trail (user_id, user_name, user_role, table_name, operation, enterprise_id, row_key,
                                 before, after, source)
        SELECT actor.user_id, actor.user_name, actor.role, TG_TABLE_NAME, op, (b.r->>enterprise_key)::bigint,
               audit_key(b.r, TG_ARGV), c.before, c.after, left(nullif(current_setting('esw.source', true), ''), 1000)
        FROM (SELECT to_jsonb(o) AS r FROM old_rows o) a
        JOIN (SELECT to_jsonb(n) AS r FROM new_rows n) b ON audit_key(a.r, TG_ARGV) = audit_key(b.r, TG_ARGV)
        CROSS JOIN LATERAL audit_changed(audit_masked(a.r), audit_masked(b.r)) c
        WHERE c.before IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION audit_statement() IS
    'Trigger: writes a statement''s changed rows (or, over audit_detail_limit(), their count) to audit_trail.';

DO $$
DECLARE
    t text;
    keys text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'enterprise', 'person', 'employment', 'certificate', 'certificate_registration', 'training_event',
        'event_quota', 'enrollment', 'exam_registration', 'exam_score', 'social_work_post', 'service_record',
        'funding', 'pilot_application', 'pilot_application_event', 'service_org', 'exam_session',
        'registration_window', 'pass_line', 'pilot_program', 'app_user']
    LOOP
        -- The key: the primary key's columns, else those of the first unique index (pass_line).
        SELECT string_agg(quote_literal(a.attname), ', ' ORDER BY k.ord) INTO STRICT keys
        FROM (SELECT i.indexrelid, i.indrelid, i.indkey FROM pg_index i
              WHERE i.indrelid = t::regclass AND i.indisunique
              ORDER BY i.indisprimary DESC, i.indexrelid LIMIT 1) i
        CROSS JOIN unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum;
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION audit_statement(%s)', t || '_audit_insert', t, keys);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION audit_statement(%s)', t || '_audit_update', t, keys);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION audit_statement(%s)', t || '_audit_delete', t, keys);
    END LOOP;
END
$$;

-- Reading the trail: the country roles all of it; anyone else the rows of their scope's
-- enterprises and their own writes. The owner reads it all.
ALTER TABLE audit_trail ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
DO $$
BEGIN
    EXECUTE format('CREATE POLICY audit_trail_owner ON audit_trail TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
CREATE POLICY audit_trail_read ON audit_trail FOR SELECT TO esw_app USING (
    (SELECT esw_sees_country()) OR user_id = (SELECT esw_actor_id())
    OR enterprise_id IN (SELECT esw_scope_enterprise_ids()));

-- A note from the client beside the trail (what a command did, in its words): stamped with the
-- acting user by the database, so that no client can write in another's name.
-- p_client is what the client says about itself (the OS user esw runs as), kept in brackets.
CREATE FUNCTION audit_note(p_action text, p_subject text, p_detail jsonb, p_client text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER AS $$
    INSERT INTO audit_log (actor, action, subject, detail)
    SELECT left(coalesce(a.user_name || ' as ' || a.role, session_user) || ' (' || p_client || ')', 100),
           p_action, p_subject, p_detail
    FROM (SELECT * FROM esw_actor()) a
$$;
COMMENT ON FUNCTION audit_note(text, text, jsonb, text) IS
    'Appends a client''s note to audit_log, attributed to the acting esw user (or the login role).';

-- A pilot application's history names the acting esw user, not the shared application role.
ALTER TABLE pilot_application_event ALTER COLUMN actor SET DEFAULT coalesce((esw_actor()).user_name, current_user);

-- 6. Views read with the reader's rights, so that the policies apply to them -------------------

ALTER VIEW exam_subject_result SET (security_invoker = true);
ALTER VIEW exam_level_pass SET (security_invoker = true);
ALTER VIEW exam_cohort SET (security_invoker = true);

-- 7. Rules that must see outside the scope ----------------------------------------------------

-- The seat counters of an event move with every enrollment into it, whoever enrolls: an
-- enterprise's coordinator enrolling staff into a region's event changes that event's counters,
-- which the coordinator may not write. The trigger changes nothing but the two counters.
ALTER FUNCTION enrollment_count_seats() SECURITY DEFINER;

-- 8. Privileges ----------------------------------------------------------------------------------

DO $$
DECLARE
    schema_name text := current_schema();
    definer text;
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO esw_app', schema_name);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON enterprise, person, employment, certificate,
        certificate_registration, training_event, event_quota, enrollment, exam_registration, exam_score,
        social_work_post, service_record, funding, pilot_application, pilot_application_event, service_org,
        exam_session, registration_window, pass_line, pilot_program TO esw_app');
    -- The audit tables: read (within the scope); written only by the trigger and audit_note().
    EXECUTE 'GRANT SELECT ON audit_log, audit_trail TO esw_app';
    EXECUTE 'GRANT SELECT ON region, registration_rule, continuing_education_rule, exam_level_rule,
        exam_eligibility_rule, application_transition, role_permission, schema_migrations,
        exam_subject_result, exam_level_pass, exam_cohort TO esw_app';
    EXECUTE 'GRANT USAGE ON SEQUENCE enrollment_queue_seq TO esw_app';
    -- Users: never the hash; it is written through password_hash_of().
    EXECUTE 'GRANT SELECT (id, name, role, enterprise_uscc, region_code, password_one_time, password_set_at,
        disabled_at, created_at) ON app_user TO esw_app';
    EXECUTE 'GRANT INSERT (name, role, enterprise_uscc, region_code, password_hash) ON app_user TO esw_app';
    EXECUTE 'GRANT UPDATE (password_hash, password_one_time, password_set_at, disabled_at) ON app_user TO esw_app';
    -- SECURITY DEFINER functions: only for esw_app (and the owner), never PUBLIC.
    FOREACH definer IN ARRAY ARRAY['password_hash_of(text)', 'password_matches(text, text)', 'random_token()',
        'esw_actor()', 'esw_scope_enterprise_ids()', 'esw_login(text, text)', 'esw_set_password(text, text)',
        'enrollment_count_seats()',
        'audit_statement()', 'audit_note(text, text, jsonb, text)']
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', definer, schema_name);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', definer);
    END LOOP;
    EXECUTE 'GRANT EXECUTE ON FUNCTION password_hash_of(text), esw_actor(), esw_scope_enterprise_ids(),
        esw_login(text, text), esw_set_password(text, text), audit_note(text, text, jsonb, text) TO esw_app';
END
$$;
