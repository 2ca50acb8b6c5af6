-- The cost of access (docs/access.md, BENCHMARKS.md "Row-level security").
--
-- Under sql/0014 a coordinator's one-enterprise ratio took 3.6 times the owner's: a fixed 2-3 ms
-- per statement, spent resolving the acting user once per policy. esw_actor() was a SQL function
-- with SECURITY DEFINER, which PostgreSQL cannot inline and so planned afresh at each of the ten
-- or so places a statement called it; and esw_visible_person_ids() read employment, enrollment
-- and exam_registration under their own policies, resolving the user and the scope once more for
-- each. Here:
--   - esw_actor() is PL/pgSQL, whose plan is prepared once per connection: a call is one lookup of
--     the session by its token's hash and of its user, both by primary key;
--   - esw_visible_person_ids() reads those three tables with the owner's rights, filtered by the
--     scope's enterprise ids (resolved once in it), rather than under three more sets of policies.
-- Nothing else changes: the token is still the only thing that names a user (a setting a client
-- writes itself, such as esw.user_id, names nobody), and the policies are those of sql/0014.

-- The functions the policies call run on every statement, with the caller's search_path. So that
-- they neither pay for a SET clause (a SECURITY DEFINER function with SET search_path costs 60-80
-- microseconds more per call, and a statement calls them up to six times) nor depend on that path,
-- every name in their bodies is qualified: this schema's tables, types and functions, and
-- pg_catalog's operators and functions. (Unqualified, a client could shadow a table with a
-- temporary one, which PostgreSQL searches first: under sql/0014, a TEMP TABLE role_permission let
-- a provincial bureau change rosters, and a TEMP TABLE employment would have let
-- esw_visible_person_ids() show another enterprise's persons.)
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
            token pg_catalog.text := NULLIF(pg_catalog.current_setting('esw.session', true), '');
        BEGIN
            IF token IS NULL THEN
                RETURN;
            END IF;
            SELECT u.id, u.name, u.role, u.enterprise_uscc, u.region_code
            INTO user_id, user_name, role, enterprise_uscc, region_code
            FROM %1$I.app_session s JOIN %1$I.app_user u ON u.id OPERATOR(pg_catalog.=) s.user_id
            WHERE s.token_hash OPERATOR(pg_catalog.=) pg_catalog.sha256(pg_catalog.convert_to(token, 'UTF8'))
              AND s.expires_at OPERATOR(pg_catalog.>) pg_catalog.now() AND u.disabled_at IS NULL;
        END
        $body$ $f$, s);

    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.esw_scope_enterprise_ids() RETURNS SETOF bigint
        LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 100 AS $body$
        DECLARE
            actor record;
        BEGIN
            SELECT * INTO actor FROM %1$I.esw_actor();
            IF actor.enterprise_uscc IS NOT NULL THEN
                RETURN QUERY SELECT e.id FROM %1$I.enterprise e
                    WHERE e.uscc OPERATOR(pg_catalog.=) actor.enterprise_uscc::%1$I.uscc;
            ELSIF actor.region_code IS NOT NULL THEN
                RETURN QUERY SELECT e.id FROM %1$I.enterprise e
                    WHERE e.region_code OPERATOR(pg_catalog.~~)
                          (%1$I.region_prefix(actor.region_code) OPERATOR(pg_catalog.||) '%%');
            ELSIF actor.role OPERATOR(pg_catalog.=) ANY (ARRAY['ministry', 'admin']::%1$I.app_role[]) THEN
                RETURN QUERY SELECT e.id FROM %1$I.enterprise e;
            END IF;
        END
        $body$ $f$, s);

    -- The persons the acting user may see (sql/0014), now with the owner's rights, so that reading
    -- the three tables does not resolve the user and the scope again under their policies. It
    -- returns only persons linked to an enterprise of the caller's own scope (none without a user).
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.esw_visible_person_ids() RETURNS SETOF bigint
        LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 1000 AS $body$
        DECLARE
            scope pg_catalog.int8[] := ARRAY(SELECT %1$I.esw_scope_enterprise_ids());
        BEGIN
            IF pg_catalog.cardinality(scope) OPERATOR(pg_catalog.=) 0 THEN
                RETURN;
            END IF;
            RETURN QUERY
                SELECT e.person_id FROM %1$I.employment e WHERE e.enterprise_id OPERATOR(pg_catalog.=) ANY (scope)
                UNION ALL
                SELECT x.person_id FROM %1$I.enrollment x WHERE x.enterprise_id OPERATOR(pg_catalog.=) ANY (scope)
                UNION ALL
                SELECT r.person_id FROM %1$I.exam_registration r
                WHERE r.enterprise_id OPERATOR(pg_catalog.=) ANY (scope);
        END
        $body$ $f$, s);

    -- The three small readers of the actor stay SQL, inlined into the policies' initplans.
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.esw_sees_country() RETURNS boolean
        LANGUAGE sql STABLE AS $body$
            SELECT COALESCE((%1$I.esw_actor()).role OPERATOR(pg_catalog.=)
                                       ANY (ARRAY['ministry', 'admin']::%1$I.app_role[]), false)
        $body$ $f$, s);
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.esw_scope_pattern() RETURNS text
        LANGUAGE sql STABLE AS $body$
            SELECT %1$I.region_prefix((%1$I.esw_actor()).region_code) OPERATOR(pg_catalog.||) '%%'
        $body$ $f$, s);
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.esw_actor_id() RETURNS bigint
        LANGUAGE sql STABLE AS $body$ SELECT (%1$I.esw_actor()).user_id $body$ $f$, s);

    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.esw_may_write(kind text) RETURNS boolean
        LANGUAGE plpgsql STABLE AS $body$
        DECLARE
            actor_role %1$I.app_role := (%1$I.esw_actor()).role;
        BEGIN
            IF actor_role IS NULL THEN
                RAISE EXCEPTION 'no esw user is set on this connection' USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF actor_role OPERATOR(pg_catalog.=) 'admin'::%1$I.app_role OR EXISTS (
                    SELECT 1 FROM %1$I.role_permission p
                    WHERE p.role OPERATOR(pg_catalog.=) actor_role
                      AND p.data_kind OPERATOR(pg_catalog.=) kind::%1$I.data_kind) THEN
                RETURN true;
            END IF;
            RAISE EXCEPTION 'an esw user with the role %% may not change %%', actor_role,
                pg_catalog.replace(kind, '_', ' ') USING ERRCODE = 'insufficient_privilege';
        END
        $body$ $f$, s);

    -- Without a SET clause now (CREATE OR REPLACE kept the privileges): nobody but esw_app runs them.
    EXECUTE format('REVOKE ALL ON FUNCTION %I.esw_visible_person_ids() FROM PUBLIC', s);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.esw_visible_person_ids() TO esw_app', s);
END
$do$;

-- The audit trigger on bulk statements (sql/0014). Its transition tables cost little (about 0.1 s
-- for a million rows); what cost 3.5 s per million was finding the statement's one enterprise by
-- turning every row into JSON to read its enterprise_id, for tables that have none (person,
-- certificate) too. It now reads the column by name, in one pass of min and max, and only on
-- tables that have it. The entries it writes are the same.
CREATE OR REPLACE FUNCTION audit_statement() RETURNS trigger
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
        -- The one enterprise all rows share (NULLs aside), read from the column itself: no row is
        -- turned into JSON, and a table with no enterprise column is not read again at all.
        IF EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = TG_RELID AND a.attname = enterprise_key AND NOT a.attisdropped) THEN
            EXECUTE format('SELECT CASE WHEN min(%1$I) = max(%1$I) THEN min(%1$I) END FROM %2$I', enterprise_key,
                           CASE WHEN TG_OP = 'DELETE' THEN 'old_rows' ELSE 'new_rows' END)
            INTO one_enterprise;
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

-- As in sql/0014: search_path pinned (one call per statement), never PUBLIC's.
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION audit_statement() SET search_path = %I, pg_temp', current_schema());
    REVOKE ALL ON FUNCTION audit_statement() FROM PUBLIC;
END
$$;
