-- Issue 14: attendance only once an event has started, whoever writes it; and who sees whole ID
-- numbers in the look-ups (esw staff list, esw person show).

-- Beijing's wall clock now, to the second: training events are kept as Beijing local times
-- (sql/0003), whatever the server's or the session's TimeZone.
CREATE FUNCTION beijing_now() RETURNS timestamp
LANGUAGE sql STABLE AS $$
    SELECT (now() AT TIME ZONE 'Asia/Shanghai')::timestamp(0)
$$;
COMMENT ON FUNCTION beijing_now() IS
    'Now on Beijing''s wall clock (the time zone of training_event.starts_at).';

-- Attendance (attended or absent) and credited hours are facts about an event that has taken
-- place: esw checked the time the coordinator gave (--at), which may be any time; the database
-- checks the clock, so that neither a later --at nor a psql UPDATE records them early.
CREATE FUNCTION enrollment_attendance_after_start() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.status IN ('attended', 'absent') OR NEW.hours IS NOT NULL)
       AND (TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status OR NEW.hours IS DISTINCT FROM OLD.hours)
       AND EXISTS (SELECT 1 FROM training_event e WHERE e.id = NEW.event_id AND e.starts_at > beijing_now()) THEN
        RAISE EXCEPTION 'attendance is recorded, and hours credited, only once the event has started (Beijing time)'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enrollment_attendance_after_start';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION enrollment_attendance_after_start() IS
    'Refuses attended or absent, and credited hours, for an event that has not started by Beijing''s clock.';

CREATE TRIGGER enrollment_attendance_after_start
    BEFORE INSERT OR UPDATE OF status, hours ON enrollment
    FOR EACH ROW EXECUTE FUNCTION enrollment_attendance_after_start();

-- Whether the acting user sees whole ID numbers in the look-ups: the roles that write the roster
-- (they enroll, register and record people by their ID numbers: an enterprise's coordinator, an
-- admin) and a connection acting as no esw user (the owner). Every other role reads the roster
-- and sees ID numbers masked (first 6 and last 4). The rows themselves are the scope's, by RLS.
CREATE FUNCTION esw_sees_whole_id_numbers() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN (esw_actor()).role IS NULL THEN true
        WHEN (esw_actor()).role = 'admin' THEN true
        ELSE EXISTS (SELECT 1 FROM role_permission p
                     WHERE p.role = (esw_actor()).role AND p.data_kind = 'roster')
    END
$$;
COMMENT ON FUNCTION esw_sees_whole_id_numbers() IS
    'Whole ID numbers in look-ups for roster writers (enterprise coordinator, admin) and the owner; masked for others.';
