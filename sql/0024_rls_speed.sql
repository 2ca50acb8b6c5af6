-- The certificate policy's set of visible persons with one resolution of the acting user
-- (docs/access.md "Not done yet", BENCHMARKS.md).
--
-- Under sql/0017, esw_visible_person_ids() called esw_scope_enterprise_ids(), itself a PL/pgSQL
-- call of esw_actor(), and joined the ids it returned, materialized, to employment, enrollment and
-- exam registrations: two nested function calls and a materialized scan on top of the set's own
-- work, once per statement that reads certificates or persons. Here it reads the actor once and
-- finds the scope's enterprises in the same query (by USCC through the unique index for the
-- enterprise roles, by code prefix for a region), with the rules of esw_scope_enterprise_ids():
-- the same persons (none for the country roles and without a user). Every name is qualified, as
-- in sql/0016 (no SET clause: it costs more than the function's work).

-- The two scopes stay two statements, each planned for its own test: one statement with both
-- tests (the USCC's, or the prefix's when there is no USCC) took 4 times as long for one enterprise
-- once PL/pgSQL had switched to its generic plan. Both join the same three tables, written once.
DO $do$
DECLARE
    s name := current_schema();
    persons text := format($q$
        SELECT e.person_id FROM scope JOIN %1$I.employment e ON e.enterprise_id OPERATOR(pg_catalog.=) scope.id
        UNION ALL
        SELECT x.person_id FROM scope JOIN %1$I.enrollment x ON x.enterprise_id OPERATOR(pg_catalog.=) scope.id
        UNION ALL
        SELECT r.person_id FROM scope
        JOIN %1$I.exam_registration r ON r.enterprise_id OPERATOR(pg_catalog.=) scope.id$q$, current_schema());
BEGIN
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.esw_visible_person_ids() RETURNS SETOF bigint
        LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 1000 AS $body$
        DECLARE
            actor record := %1$I.esw_actor();
        BEGIN
            IF actor.enterprise_uscc IS NOT NULL THEN
                RETURN QUERY
                    WITH scope AS (
                        SELECT en.id FROM %1$I.enterprise en
                        WHERE en.uscc OPERATOR(pg_catalog.=) (actor.enterprise_uscc COLLATE pg_catalog."C"))
                    %2$s;
            ELSIF actor.region_code IS NOT NULL THEN
                RETURN QUERY
                    WITH scope AS MATERIALIZED (
                        SELECT en.id FROM %1$I.enterprise en
                        WHERE en.region_code OPERATOR(pg_catalog.~~)
                              (%1$I.region_prefix(actor.region_code) OPERATOR(pg_catalog.||) '%%'))
                    %2$s;
            END IF;
        END
        $body$ $f$, s, persons);
END
$do$;
