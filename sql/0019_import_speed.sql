-- Imports that stay linear whatever the planner's statistics say (issue 13, docs/scaling.md,
-- "Indexes and the import").
--
-- A statement that reads a table while it writes it is quadratic under a nested loop: each rescan
-- of the table reads the rows the statement has added so far (invisible to it, but on its pages).
-- PostgreSQL plans that loop when its statistics say the table is empty, as they do after `VACUUM
-- ANALYZE` of an empty database. The imports' merges therefore read each table in one statement
-- and write it in the next (Sources/Workforce/Import, ImportPipeline.materialize).
--
-- add_missing_persons (sql/0015) read person and inserted into it in one statement; it was linear
-- only because its plan happened to sort the rows to insert above the read of person. It now
-- reads first (the ID numbers not on record, in ID-number order, so that two imports adding the
-- same persons still wait on each other in one order), then inserts those; ON CONFLICT, decided by
-- the unique index of ID numbers, takes a person another import added in between.
CREATE OR REPLACE FUNCTION add_missing_persons(p_id_numbers text[], p_names text[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    missing_ids text[];
    missing_names text[];
BEGIN
    SELECT array_agg(m.id_number ORDER BY m.id_number), array_agg(m.name ORDER BY m.id_number)
    INTO missing_ids, missing_names
    FROM (SELECT DISTINCT ON (g.id_number) g.id_number, g.name
          FROM unnest(p_id_numbers, p_names) WITH ORDINALITY AS g (id_number, name, ord)
          WHERE g.name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = g.id_number)
          ORDER BY g.id_number, g.ord) m;
    INSERT INTO person (id_number, name)
    SELECT g.id_number, g.name FROM unnest(missing_ids, missing_names) WITH ORDINALITY AS g (id_number, name, ord)
    ORDER BY g.ord
    ON CONFLICT (id_number) DO NOTHING;
END
$$;
