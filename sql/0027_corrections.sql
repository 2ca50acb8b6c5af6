-- Duplicates refused, corrections kept with their reason (docs/corrections.md).
--
-- 1. What counts as a duplicate, enforced here for every client:
--    - a training event: the same organizer (enterprise, region, or neither), title and start, among
--      the events not cancelled (a cancelled event does not block scheduling it again);
--    - a service record: identical in every column (enterprise, kind, date, beneficiaries, provider,
--      volunteers, hours), the rule the service import has always used;
--    - a funding entry: the same recipient, source, amount, date and contract number (no contract
--      number on both counts as the same); the provider organization is not part of it;
--    - a pilot program: the same document number (文号).
--    A real second service or payment is possible: it is recorded on purpose (esw's
--    --allow-duplicate) with the next duplicate_no. The unique indexes include duplicate_no.
--
--    Rows already stored are not refused by this migration: the second, third, ... of each group of
--    identical rows are numbered 1, 2, ... here (in the order of their ids), as if recorded on
--    purpose, so that the indexes can be built; nothing is deleted, and `esw ... delete` removes one
--    that was a mistake. (The audit trail keeps this numbering as the owner's update.)
--
-- 2. A person's name is corrected, never overwritten silently: every change of person.name, by
--    anyone (psql too), is kept in person_name_history with who, when and the reason the client
--    gave in the setting esw.reason (esw sets it for the transaction; the audit trail keeps the
--    same reason in its source column, from esw.source).

-- 1. Duplicates ------------------------------------------------------------------------------------

ALTER TABLE training_event ADD COLUMN duplicate_no smallint NOT NULL DEFAULT 0
    CONSTRAINT training_event_duplicate_no_range CHECK (duplicate_no >= 0);
ALTER TABLE service_record ADD COLUMN duplicate_no smallint NOT NULL DEFAULT 0
    CONSTRAINT service_record_duplicate_no_range CHECK (duplicate_no >= 0);
ALTER TABLE funding ADD COLUMN duplicate_no smallint NOT NULL DEFAULT 0
    CONSTRAINT funding_duplicate_no_range CHECK (duplicate_no >= 0);
ALTER TABLE pilot_program ADD COLUMN duplicate_no smallint NOT NULL DEFAULT 0
    CONSTRAINT pilot_program_duplicate_no_range CHECK (duplicate_no >= 0);

COMMENT ON COLUMN training_event.duplicate_no IS
    '0; n for the n-th later event with the same organizer, title and start found on record by sql/0027.';
COMMENT ON COLUMN service_record.duplicate_no IS
    '0 for a service; n for the n-th identical one, recorded on purpose (--allow-duplicate) or found by sql/0027.';
COMMENT ON COLUMN funding.duplicate_no IS
    '0 for an entry; n for the n-th identical one, recorded on purpose (--allow-duplicate) or found by sql/0027.';
COMMENT ON COLUMN pilot_program.duplicate_no IS
    '0; n for the n-th later program with the same document number found on record by sql/0027.';

UPDATE training_event t SET duplicate_no = d.n
FROM (SELECT id, row_number() OVER (PARTITION BY enterprise_id, region_code, title, starts_at ORDER BY id) - 1 AS n
      FROM training_event WHERE cancelled_at IS NULL) d
WHERE t.id = d.id AND d.n > 0;

UPDATE service_record s SET duplicate_no = d.n
FROM (SELECT id, row_number() OVER (
                 PARTITION BY enterprise_id, kind, served_on, beneficiaries, provider_person_id, provider_org_id,
                              volunteers, hours
                 ORDER BY id) - 1 AS n
      FROM service_record) d
WHERE s.id = d.id AND d.n > 0;

UPDATE funding f SET duplicate_no = d.n
FROM (SELECT id, row_number() OVER (
                 PARTITION BY enterprise_id, region_code, source, amount, received_on, contract_no ORDER BY id) - 1 AS n
      FROM funding) d
WHERE f.id = d.id AND d.n > 0;

UPDATE pilot_program p SET duplicate_no = d.n
FROM (SELECT id, row_number() OVER (PARTITION BY document ORDER BY id) - 1 AS n
      FROM pilot_program WHERE document IS NOT NULL) d
WHERE p.id = d.id AND d.n > 0;

CREATE UNIQUE INDEX training_event_once ON training_event
    (enterprise_id, region_code, title, starts_at, duplicate_no) NULLS NOT DISTINCT WHERE cancelled_at IS NULL;
CREATE UNIQUE INDEX service_record_once ON service_record
    (enterprise_id, kind, served_on, beneficiaries, provider_person_id, provider_org_id, volunteers, hours,
     duplicate_no) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX funding_once ON funding
    (enterprise_id, region_code, source, amount, received_on, contract_no, duplicate_no) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX pilot_program_document_once ON pilot_program (document, duplicate_no) WHERE document IS NOT NULL;

COMMENT ON INDEX training_event_once IS
    'One event not cancelled per organizer, title and start (sql/0027).';
COMMENT ON INDEX service_record_once IS
    'A service identical in every column is a duplicate unless recorded on purpose with the next duplicate_no.';
COMMENT ON INDEX funding_once IS
    'Same recipient, source, amount, date and contract number: a duplicate unless recorded with the next duplicate_no.';
COMMENT ON INDEX pilot_program_document_once IS 'One pilot program per document number (文号).';

-- 2. A person's names -----------------------------------------------------------------------------

CREATE TABLE person_name_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    old_name text NOT NULL CONSTRAINT person_name_history_old_name_length CHECK (char_length(old_name) <= 100),
    new_name text NOT NULL CONSTRAINT person_name_history_new_name_length CHECK (char_length(new_name) <= 100),
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text NOT NULL CONSTRAINT person_name_history_changed_by_length CHECK (char_length(changed_by) <= 100),
    reason text CONSTRAINT person_name_history_reason_length CHECK (char_length(reason) <= 500)
);
CREATE INDEX person_name_history_person_idx ON person_name_history (person_id, changed_at);
COMMENT ON TABLE person_name_history IS
    'Every change of a person''s name: the name before and after, who, when and why (sql/0027).';
COMMENT ON COLUMN person_name_history.old_name IS 'The name before the change; at most 100 characters.';
COMMENT ON COLUMN person_name_history.new_name IS 'The name after the change; at most 100 characters.';
COMMENT ON COLUMN person_name_history.changed_by IS
    'The acting esw user, or the database role without one; at most 100 characters.';
COMMENT ON COLUMN person_name_history.reason IS
    'Why, as the client gave it in esw.reason (NULL from a client that gave none); at most 500 characters.';

CREATE FUNCTION person_name_history_keep() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO person_name_history (person_id, old_name, new_name, changed_by, reason)
    VALUES (NEW.id, OLD.name, NEW.name, left(coalesce((esw_actor()).user_name, session_user), 100),
            left(nullif(current_setting('esw.reason', true), ''), 500));
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION person_name_history_keep() IS
    'Trigger: keeps a person''s name before and after a change, with who and why, in person_name_history.';
CREATE TRIGGER person_name_history_keep AFTER UPDATE OF name ON person
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION person_name_history_keep();

-- Read where the person is seen; written only by the trigger (with the owner's rights), so that
-- the history is as trustworthy as the audit trail.
ALTER TABLE person_name_history ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
DO $$
BEGIN
    EXECUTE format('CREATE POLICY person_name_history_owner ON person_name_history TO %I USING (true) WITH CHECK (true)',
                   current_user);
    EXECUTE format('ALTER FUNCTION person_name_history_keep() SET search_path = %I, pg_temp', current_schema());
END
$$;
CREATE POLICY person_name_history_read ON person_name_history FOR SELECT TO esw_app
    USING (person_id IN (SELECT esw_visible_person_ids()) OR (SELECT esw_sees_country()));
REVOKE ALL ON FUNCTION person_name_history_keep() FROM PUBLIC;
GRANT SELECT ON person_name_history TO esw_app;
