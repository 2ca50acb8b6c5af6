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

CREATE OR REPLACE FUNCTION esw_actor(OUT user_id bigint, OUT user_name text, OUT role app_role,
                                     OUT enterprise_uscc text, OUT region_code text)
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
#variable_conflict use_column
DECLARE
    token text := nullif(current_setting('esw.session', true), '');
BEGIN
    IF token IS NULL THEN
        RETURN;
    END IF;
    SELECT u.id, u.name, u.role, u.enterprise_uscc, u.region_code
    INTO user_id, user_name, role, enterprise_uscc, region_code
    FROM app_session s JOIN app_user u ON u.id = s.user_id
    WHERE s.token_hash = sha256(convert_to(token, 'UTF8')) AND s.expires_at > now() AND u.disabled_at IS NULL;
END
$$;

-- The persons the acting user may see (sql/0014): with the owner's rights, so that reading the
-- three tables does not resolve the user and the scope again under their policies. It returns
-- only persons linked to an enterprise of the caller's own scope (none without a user).
CREATE OR REPLACE FUNCTION esw_visible_person_ids() RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 1000 AS $$
DECLARE
    scope bigint[] := ARRAY(SELECT esw_scope_enterprise_ids());
BEGIN
    IF cardinality(scope) = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT e.person_id FROM employment e WHERE e.enterprise_id = ANY (scope)
        UNION ALL
        SELECT x.person_id FROM enrollment x WHERE x.enterprise_id = ANY (scope)
        UNION ALL
        SELECT r.person_id FROM exam_registration r WHERE r.enterprise_id = ANY (scope);
END
$$;


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

-- As in sql/0014: search_path pinned, never PUBLIC's; the two read by policies are esw_app's.
DO $$
DECLARE
    definer text;
BEGIN
    FOREACH definer IN ARRAY ARRAY['esw_actor()', 'esw_visible_person_ids()', 'audit_statement()'] LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', definer, current_schema());
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', definer);
    END LOOP;
    GRANT EXECUTE ON FUNCTION esw_actor(), esw_visible_person_ids() TO esw_app;
END
$$;
