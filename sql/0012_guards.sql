-- The database guards what only it may write.
--
-- Seat counters: training_event.seats_taken and event_quota.seats_taken are kept by the
-- enrollment trigger (sql/0003), so that their CHECKs enforce capacity. Hand-written SQL could set
-- them (UPDATE training_event SET seats_taken = 0) and let an event overfill; now only a change
-- made by a trigger may move them, and a new row starts at zero.
--
-- The audit log is append-only: no row is changed or removed, and the table is not truncated. Only
-- the owner of the table can drop these triggers.

CREATE FUNCTION seat_counters_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.seats_taken <> 0 THEN
            RAISE EXCEPTION '%.seats_taken starts at 0: seats are counted from enrollments', TG_TABLE_NAME
                USING ERRCODE = 'check_violation', CONSTRAINT = 'seats_counted_from_enrollments';
        END IF;
    -- Depth 1 is a statement a person wrote; the enrollment trigger's own update runs at depth 2.
    ELSIF NEW.seats_taken IS DISTINCT FROM OLD.seats_taken AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION '%.seats_taken is counted from enrollments and cannot be set', TG_TABLE_NAME
            USING ERRCODE = 'check_violation', CONSTRAINT = 'seats_counted_from_enrollments';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER training_event_seats_guard
    BEFORE INSERT OR UPDATE OF seats_taken ON training_event
    FOR EACH ROW EXECUTE FUNCTION seat_counters_guard();

CREATE TRIGGER event_quota_seats_guard
    BEFORE INSERT OR UPDATE OF seats_taken ON event_quota
    FOR EACH ROW EXECUTE FUNCTION seat_counters_guard();

CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: its rows are never changed or removed'
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

COMMENT ON FUNCTION seat_counters_guard() IS
    'Trigger: seats_taken moves only with enrollments (through their trigger) and starts at 0.';
COMMENT ON FUNCTION audit_log_append_only() IS
    'Trigger: refuses UPDATE, DELETE and TRUNCATE of audit_log.';
