-- Issue 12: a user's write that reaches outside the scope is refused by line and field, in words,
-- rather than by a unique index or a row-level security policy (42501).

-- Of the USCCs given, those on record for an enterprise outside the acting user's scope: USCCs are
-- unique nationally (and public: the national enterprise credit register shows them), so an
-- enterprise import or `esw enterprise add` by a region coordinator must say, by line, that a
-- USCC is already another region's instead of failing on the unique index. Returns those USCCs
-- only (the caller's own input), nothing about the enterprise; nothing without an esw user or for
-- a user who sees the country (they see every enterprise themselves).
CREATE FUNCTION esw_enterprises_outside_scope(p_usccs text[]) RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
BEGIN
    IF NOT esw_has_scope() THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT DISTINCT e.uscc::text
        FROM enterprise e
        WHERE e.uscc::text = ANY (p_usccs)
          AND e.id <> ALL (ARRAY(SELECT esw_scope_enterprise_ids()));
END
$$;
COMMENT ON FUNCTION esw_enterprises_outside_scope(text[]) IS
    'For a user with a scope: which of these USCCs are on record for an enterprise outside it.';

DO $$
BEGIN
    -- Pinned like sql/0015's definers: nothing on the caller's search path can stand in for a table.
    EXECUTE format('ALTER FUNCTION esw_enterprises_outside_scope(text[]) SET search_path = %I, pg_temp',
                   current_schema());
    REVOKE ALL ON FUNCTION esw_enterprises_outside_scope(text[]) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION esw_enterprises_outside_scope(text[]) TO esw_app;
END
$$;
