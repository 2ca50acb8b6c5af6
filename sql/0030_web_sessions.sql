-- Web sessions and API tokens (docs/access.md "Web sessions and API tokens", issue 15 "Security").
--
--   - A session is of a kind: 'login' (esw_login: the CLI and the browser) or 'api' (a bearer token
--     an admin issues with esw user token). A login session ends after session_idle_lifetime()
--     without a request (the server calls esw_touch_session() once per request, which writes at
--     most once a minute) and never lives past its absolute lifetime (session_lifetime(), 12 h);
--     an API token lives until its own expiry, never idle-expires, and can be revoked.
--   - esw_logout() ends the acting login session.
--   - esw_login(name, password, address) throttles: after login_name_failure_limit() failures of a
--     name, or login_address_failure_limit() from an address, within login_failure_window(), it
--     answers 'throttled' (with the seconds to wait) without checking the password. It returns a
--     status rather than raising, so that the failure it records is committed with the refusal.
--     Names and addresses are kept only as keyed hashes (login_failure_key), for a day at most.
--   - esw_must_change_password(): the acting user still has a one-time password.
-- esw_actor() still finds the user with one probe of app_session's primary key; the idle test is on
-- the row it reads.

-- 1. Sessions: kind, label, creation and last use ---------------------------------------------

CREATE TYPE session_kind AS ENUM ('login', 'api');

ALTER TABLE app_session
    ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT app_session_id_key UNIQUE,
    ADD COLUMN kind session_kind NOT NULL DEFAULT 'login',
    ADD COLUMN label text CONSTRAINT app_session_label_length CHECK (char_length(label) <= 100),
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT app_session_label_of_token CHECK (label IS NULL OR kind = 'api');
CREATE INDEX app_session_user_idx ON app_session (user_id);
COMMENT ON COLUMN app_session.kind IS
    'login: opened by esw_login, idle-expiring; api: a bearer token issued by esw user token, revocable.';
COMMENT ON COLUMN app_session.label IS 'What an API token is for (esw user token --label); at most 100 characters.';
COMMENT ON COLUMN app_session.last_used_at IS
    'The last request made with the session, to the minute (esw_touch_session).';

CREATE FUNCTION session_idle_lifetime() RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT interval '8 hours' $$;
COMMENT ON FUNCTION session_idle_lifetime() IS 'How long a login session lives without a request.';

CREATE FUNCTION session_touch_interval() RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT interval '1 minute' $$;
COMMENT ON FUNCTION session_touch_interval() IS 'esw_touch_session() writes last_used_at at most this often.';

-- The acting user (sql/0017), now also refusing a login session idle for longer than
-- session_idle_lifetime(): the same one probe of the primary key, one more test on its row.
DO $do$
DECLARE
    s name := current_schema();
BEGIN
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
              AND s.expires_at OPERATOR(pg_catalog.>) pg_catalog.now() AND u.disabled_at IS NULL
              AND (s.kind OPERATOR(pg_catalog.=) 'api'::%1$I.session_kind
                   OR s.last_used_at OPERATOR(pg_catalog.>)
                      (pg_catalog.now() OPERATOR(pg_catalog.-) %1$I.session_idle_lifetime()));
        END
        $body$ $f$, s);
END
$do$;

-- The server calls it once per request (on the primary), as the request's user: it moves the acting
-- session's last use to now, unless that was less than session_touch_interval() ago, so that a busy
-- server writes a session's row once a minute, not at every request. A session that has ended (idle
-- or expired) is not revived. SKIP LOCKED: a request never waits for another request's touch of the
-- same session (the row stays locked until that request's transaction ends). Returns whether it
-- wrote.
CREATE FUNCTION esw_touch_session() RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$
DECLARE
    session_hash bytea := sha256(convert_to(nullif(current_setting('esw.session', true), ''), 'UTF8'));
BEGIN
    IF session_hash IS NULL THEN
        RETURN false;
    END IF;
    UPDATE app_session s SET last_used_at = now()
    WHERE s.token_hash = (
        SELECT t.token_hash FROM app_session t
        WHERE t.token_hash = session_hash AND t.last_used_at <= now() - session_touch_interval()
          AND t.expires_at > now() AND (t.kind = 'api' OR t.last_used_at > now() - session_idle_lifetime())
        FOR UPDATE SKIP LOCKED);
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION esw_touch_session() IS
    'Moves the acting session''s last use to now, at most once a minute; returns whether it wrote.';

-- Ends the acting login session (an API token ends by esw user revoke-token); returns whether one
-- ended.
CREATE FUNCTION esw_logout() RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER AS $$
    WITH ended AS (
        DELETE FROM app_session
        WHERE token_hash = sha256(convert_to(nullif(current_setting('esw.session', true), ''), 'UTF8'))
          AND kind = 'login'
        RETURNING 1)
    SELECT count(*) > 0 FROM ended
$$;
COMMENT ON FUNCTION esw_logout() IS 'Ends the acting login session; returns whether one ended.';

-- Whether the acting user still has a one-time password, which they must replace before anything
-- else (the web application's password page; the API answers 403). False without a user. Read under
-- app_user's own policy (a user reads their own row).
CREATE FUNCTION esw_must_change_password() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT u.password_one_time FROM app_user u WHERE u.id = (SELECT esw_actor_id())), false)
$$;
COMMENT ON FUNCTION esw_must_change_password() IS
    'Whether the acting user still has a one-time password (false without a user).';

-- 2. Throttled logins --------------------------------------------------------------------------

CREATE FUNCTION login_failure_window() RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT interval '15 minutes' $$;
CREATE FUNCTION login_name_failure_limit() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 5 $$;
CREATE FUNCTION login_address_failure_limit() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 20 $$;
COMMENT ON FUNCTION login_failure_window() IS 'Failed logins older than this no longer count towards throttling.';

-- The key of login_failure's hashes: random, per database, readable by the owner only, so that the
-- table alone (a backup of it, a leaked row) does not tell which names or addresses failed. Made by
-- the first login attempt (login_failure_key), not here: a copy of a database's rows keeps its key.
CREATE TABLE login_failure_secret (
    secret bytea NOT NULL,
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row)
);
COMMENT ON TABLE login_failure_secret IS 'The key of login_failure''s hashes (one random row).';

-- A failed login: when, the keyed hash of the name tried, and of the client's address (none from
-- the CLI). Kept one day at most (esw_login purges older rows).
CREATE TABLE login_failure (
    at timestamptz NOT NULL DEFAULT now(),
    name_key bytea NOT NULL,
    address_key bytea
);
CREATE INDEX login_failure_name_idx ON login_failure (name_key, at);
CREATE INDEX login_failure_address_idx ON login_failure (address_key, at);
CREATE INDEX login_failure_at_idx ON login_failure (at);
COMMENT ON TABLE login_failure IS
    'Failed logins of the last day, by keyed hashes of the name and the client address (throttling).';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['login_failure', 'login_failure_secret'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I TO %I USING (true) WITH CHECK (true)', t || '_owner', t, current_user);
    END LOOP;
END
$$;

-- The address throttling counts: an IPv4 address as it is (also when written IPv4-mapped, as a
-- dual-stack socket reports it), an IPv6 address by its /64 network (what one subscriber gets);
-- any other text as given.
CREATE FUNCTION login_address(p_address text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    a inet;
BEGIN
    a := p_address::inet;
    IF family(a) = 4 THEN
        RETURN host(a);
    ELSIF a <<= '::ffff:0.0.0.0/96'::inet THEN
        RETURN substr(host(a), 8);
    END IF;
    RETURN network(set_masklen(a, 64))::text;
EXCEPTION WHEN invalid_text_representation THEN
    RETURN p_address;
END
$$;

CREATE FUNCTION login_failure_key(p_value text) RETURNS bytea
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    key bytea := (SELECT secret FROM login_failure_secret);
BEGIN
    IF p_value IS NULL THEN
        RETURN NULL;
    END IF;
    IF key IS NULL THEN
        INSERT INTO login_failure_secret (secret) VALUES (decode(random_token(), 'hex')) ON CONFLICT DO NOTHING;
        key := (SELECT secret FROM login_failure_secret);
    END IF;
    RETURN sha256(key || convert_to(p_value, 'UTF8'));
END
$$;

-- The two halves of a login, shared by both esw_login functions (called with their owner's rights):
-- the user whose name and password these are, or NULL for every kind of refusal (unknown user, wrong
-- password, disabled user, expired one-time password) after the same bcrypt work; and a new login
-- session for a user, after deleting the sessions that have ended (expired, or idle).
CREATE FUNCTION login_user(p_name text, p_password text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    u app_user;
BEGIN
    SELECT * INTO u FROM app_user WHERE name = p_name;
    IF NOT FOUND THEN
        PERFORM password_hash_of(p_password);  -- the same bcrypt work as a real check
        RETURN NULL;
    END IF;
    IF NOT password_matches(p_password, u.password_hash) OR u.disabled_at IS NOT NULL
       OR (u.password_one_time AND u.password_set_at < now() - one_time_password_lifetime()) THEN
        RETURN NULL;
    END IF;
    RETURN u.id;
END
$$;

CREATE FUNCTION login_session(p_user bigint) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    token text := random_token();
BEGIN
    DELETE FROM app_session
    WHERE expires_at < now() OR (kind = 'login' AND last_used_at < now() - session_idle_lifetime());
    INSERT INTO app_session (token_hash, user_id, expires_at)
    VALUES (sha256(convert_to(token, 'UTF8')), p_user, now() + session_lifetime());
    RETURN token;
END
$$;

-- The CLI's login (sql/0014), unchanged but for the idle sessions it deletes too.
CREATE OR REPLACE FUNCTION esw_login(p_name text, p_password text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$
DECLARE
    user_id bigint := login_user(p_name, p_password);
BEGIN
    IF user_id IS NULL THEN
        RAISE EXCEPTION 'login refused: wrong user name or password, disabled user, or expired one-time password'
            USING ERRCODE = 'invalid_password';
    END IF;
    RETURN login_session(user_id);
END
$$;

-- Checks a user's password and opens a session, with throttling. Returns a status:
--   'opened' with the token to set in esw.session;
--   'refused' (wrong name or password, disabled user, expired one-time password: one answer after
--     the same bcrypt work, as esw_login(name, password)), having recorded the failure;
--   'throttled' with the seconds until an attempt is counted again: too many failures of this name,
--     or from this address, within the window; the password is not checked and nothing is recorded
--     (so that a throttled name is free again when the window has passed).
-- Attempts on the same name or from the same address run one at a time (transaction advisory
-- locks), so that concurrent attempts cannot all pass the count before any is recorded. A success
-- clears the name's failures. The caller commits whatever the status: the failure record is the
-- point. p_address NULL: no address throttling (the name's still applies).
CREATE FUNCTION esw_login(p_name text, p_password text, p_address text,
                          OUT status text, OUT token text, OUT retry_after_seconds integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$
DECLARE
    user_id bigint;
    v_name_key bytea := login_failure_key(p_name);
    v_address_key bytea := login_failure_key(login_address(p_address));
    window_start timestamptz;
    free_at timestamptz;
BEGIN
    -- Two key spaces (the first key is 'eswn' or 'eswa' in ASCII), by 32 bits of each hash.
    PERFORM pg_advisory_xact_lock(1702066030, ('x' || encode(substr(v_name_key, 1, 4), 'hex'))::bit(32)::int);
    IF v_address_key IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(1702066017, ('x' || encode(substr(v_address_key, 1, 4), 'hex'))::bit(32)::int);
    END IF;
    DELETE FROM login_failure WHERE at < now() - interval '1 day';
    -- After the lock: the failures of attempts that held it are committed and seen now.
    window_start := clock_timestamp() - login_failure_window();
    -- Throttled until the oldest of the last `limit` failures leaves the window.
    SELECT max(x.at) + login_failure_window() INTO free_at
    FROM (
        (SELECT f.at FROM login_failure f WHERE f.name_key = v_name_key AND f.at > window_start
         ORDER BY f.at DESC OFFSET login_name_failure_limit() - 1 LIMIT 1)
        UNION ALL
        (SELECT f.at FROM login_failure f WHERE f.address_key = v_address_key AND f.at > window_start
         ORDER BY f.at DESC OFFSET login_address_failure_limit() - 1 LIMIT 1)
    ) x;
    IF free_at IS NOT NULL THEN
        status := 'throttled';
        retry_after_seconds := greatest(1, ceil(extract(epoch FROM free_at - clock_timestamp())))::integer;
        RETURN;
    END IF;
    user_id := login_user(p_name, p_password);
    IF user_id IS NULL THEN
        INSERT INTO login_failure (at, name_key, address_key) VALUES (clock_timestamp(), v_name_key, v_address_key);
        status := 'refused';
        RETURN;
    END IF;
    DELETE FROM login_failure f WHERE f.name_key = v_name_key;
    token := login_session(user_id);
    status := 'opened';
END
$$;
COMMENT ON FUNCTION esw_login(text, text, text) IS
    'Checks a password with throttling by name and address; status opened (with a token), refused or throttled.';

-- 3. API tokens: issued, listed and revoked by an admin (or the owner), through the policies ----

-- A user reads their own sessions' rows, an admin everyone's; only the columns that say nothing of
-- the token (never token_hash). Admins (role permission 'users') add and delete API tokens; login
-- sessions are written only by esw_login and esw_logout.
CREATE POLICY app_session_read ON app_session FOR SELECT TO esw_app
    USING (user_id = (SELECT esw_actor_id()) OR (SELECT (esw_actor()).role = 'admin'));
CREATE POLICY app_session_insert ON app_session FOR INSERT TO esw_app
    WITH CHECK (kind = 'api' AND (SELECT esw_may_write('users')));
CREATE POLICY app_session_delete ON app_session FOR DELETE TO esw_app
    USING (kind = 'api' AND (SELECT esw_may_write('users')));

-- 4. Privileges ------------------------------------------------------------------------------------

DO $$
DECLARE
    schema_name text := current_schema();
    definer text;
BEGIN
    EXECUTE 'GRANT SELECT (id, user_id, kind, label, created_at, expires_at, last_used_at) ON app_session TO esw_app';
    EXECUTE 'GRANT INSERT (token_hash, user_id, kind, label, expires_at) ON app_session TO esw_app';
    EXECUTE 'GRANT DELETE ON app_session TO esw_app';
    FOREACH definer IN ARRAY ARRAY[
        'esw_login(text, text)', 'esw_login(text, text, text)', 'esw_touch_session()', 'esw_logout()']
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', definer, schema_name);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', definer);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO esw_app', definer);
    END LOOP;
    -- Called once per request: its names resolve in this schema, never in a client's temporary tables.
    EXECUTE format('ALTER FUNCTION esw_must_change_password() SET search_path = %I, pg_temp', schema_name);
    -- Only esw_login (as the owner) uses them.
    REVOKE ALL ON FUNCTION login_failure_key(text), login_user(text, text), login_session(bigint) FROM PUBLIC;
END
$$;
