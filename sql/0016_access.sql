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

CREATE FUNCTION esw_scope_uscc() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT (esw_actor()).enterprise_uscc $$;

-- The LIKE pattern of the region scope (4405% for Shenzhen's city code 440500... of a county, all
-- six digits); NULL for the other roles.
CREATE FUNCTION esw_scope_pattern() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT region_prefix((esw_actor()).region_code) || '%' $$;

CREATE FUNCTION esw_actor_id() RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT (esw_actor()).user_id $$;

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
        '(SELECT esw_sees_country()) OR enterprise_id IN (SELECT id FROM enterprise)',
        format('(SELECT esw_may_write(%L))
                AND ((SELECT esw_sees_country()) OR enterprise_id IN (SELECT id FROM enterprise))', p_kind))
$$;

-- Rows that hang off another row (by a foreign key): visible and writable with it.
CREATE FUNCTION access_child_policies(p_table text, p_column text, p_parent text, p_kind text) RETURNS void
LANGUAGE sql AS $$
    SELECT access_policies(p_table,
        format('(SELECT esw_sees_country()) OR %I IN (SELECT id FROM %I)', p_column, p_parent),
        format('(SELECT esw_may_write(%L)) AND ((SELECT esw_sees_country()) OR %I IN (SELECT id FROM %I))',
               p_kind, p_column, p_parent))
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
    '(SELECT esw_sees_country()) OR uscc = (SELECT esw_scope_uscc()) OR region_code LIKE (SELECT esw_scope_pattern())',
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
SELECT access_policies('person',
    '(SELECT esw_sees_country()) OR id IN (SELECT person_id FROM employment)
     OR id IN (SELECT person_id FROM enrollment) OR id IN (SELECT person_id FROM exam_registration)',
    '(SELECT esw_may_write(''roster''))');
-- ... but changed only where employed, and removed only by an admin.
ALTER POLICY person_update ON person WITH CHECK (
    (SELECT esw_may_write('roster')) AND ((SELECT esw_sees_country()) OR id IN (SELECT person_id FROM employment)));
ALTER POLICY person_delete ON person USING ((SELECT esw_may_write('roster')) AND (SELECT esw_sees_country()));

SELECT access_child_policies('certificate', 'person_id', 'person', 'roster');
SELECT access_child_policies('certificate_registration', 'certificate_id', 'certificate', 'roster');
SELECT access_child_policies('event_quota', 'event_id', 'training_event', 'events');
SELECT access_child_policies('exam_score', 'registration_id', 'exam_registration', 'exam_results');
SELECT access_child_policies('pilot_application_event', 'application_id', 'pilot_application', 'pilot_applications');

-- Training events: national ones (no organizer) are open to all; an enterprise's go with the
-- enterprise; a region's are visible where one of the visible enterprises lies, and to the
-- coordinators of the region and of the regions within it.
SELECT access_policies('training_event',
    '(SELECT esw_sees_country()) OR (enterprise_id IS NULL AND region_code IS NULL)
     OR enterprise_id IN (SELECT id FROM enterprise) OR region_code LIKE (SELECT esw_scope_pattern())
     OR (region_code IS NOT NULL
         AND EXISTS (SELECT 1 FROM enterprise en WHERE in_region(en.region_code, training_event.region_code)))',
    '(SELECT esw_may_write(''events'')) AND ((SELECT esw_sees_country())
     OR enterprise_id IN (SELECT id FROM enterprise) OR region_code LIKE (SELECT esw_scope_pattern()))');

-- Money: to an enterprise, with the enterprise; to a region, with the region's scope.
SELECT access_policies('funding',
    '(SELECT esw_sees_country()) OR enterprise_id IN (SELECT id FROM enterprise)
     OR region_code LIKE (SELECT esw_scope_pattern())',
    '(SELECT esw_may_write(''work_records'')) AND ((SELECT esw_sees_country())
     OR enterprise_id IN (SELECT id FROM enterprise) OR region_code LIKE (SELECT esw_scope_pattern()))');

-- Pilot applications: by an enterprise, a service organization or a region of the scope.
SELECT access_policies('pilot_application',
    '(SELECT esw_sees_country()) OR enterprise_id IN (SELECT id FROM enterprise)
     OR region_code LIKE (SELECT esw_scope_pattern())
     OR service_org_id IN (SELECT id FROM service_org WHERE region_code LIKE (SELECT esw_scope_pattern()))',
    '(SELECT esw_may_write(''pilot_applications'')) AND ((SELECT esw_sees_country())
     OR enterprise_id IN (SELECT id FROM enterprise) OR region_code LIKE (SELECT esw_scope_pattern())
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

-- The audit log: every signed-in user appends; admins read it. Nobody changes it (sql/0012).
CREATE POLICY audit_log_read ON audit_log FOR SELECT TO esw_app USING ((SELECT (esw_actor()).role = 'admin'));
CREATE POLICY audit_log_append ON audit_log FOR INSERT TO esw_app WITH CHECK ((SELECT esw_actor_id()) IS NOT NULL);

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

-- 5. Views read with the reader's rights, so that the policies apply to them -------------------

ALTER VIEW exam_subject_result SET (security_invoker = true);
ALTER VIEW exam_level_pass SET (security_invoker = true);
ALTER VIEW exam_cohort SET (security_invoker = true);

-- 6. Rules that must see outside the scope ----------------------------------------------------

-- The seat counters of an event move with every enrollment into it, whoever enrolls: an
-- enterprise's coordinator enrolling staff into a region's event changes that event's counters,
-- which the coordinator may not write. The trigger changes nothing but the two counters.
ALTER FUNCTION enrollment_count_seats() SECURITY DEFINER;

-- 7. Privileges ----------------------------------------------------------------------------------

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
    EXECUTE 'GRANT SELECT, INSERT ON audit_log TO esw_app';
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
        'esw_actor()', 'esw_login(text, text)', 'esw_set_password(text, text)', 'enrollment_count_seats()']
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', definer, schema_name);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', definer);
    END LOOP;
    EXECUTE 'GRANT EXECUTE ON FUNCTION password_hash_of(text), esw_actor(), esw_login(text, text),
        esw_set_password(text, text) TO esw_app';
END
$$;
