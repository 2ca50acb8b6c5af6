-- Training: events of the five kinds of 民函〔2013〕132号, enrollment with capacity, per-department
-- seat quotas and waitlists, attendance and credited hours, and the continuing-education rules
-- that the gaps report reads.
--
-- Capacity is enforced here, not only in the client: every change to an enrollment's seat goes
-- through a trigger that keeps the event's seat counters, and a CHECK on the event row keeps
-- the counter within capacity. The counter update locks the event row, so concurrent enrollments
-- into one event take turns and can never overfill it, whoever writes them.

CREATE TYPE event_kind AS ENUM ('forum', 'seminar', 'expert_lecture', 'off_job_training', 'study_tour');
CREATE TYPE enrollment_status AS ENUM ('enrolled', 'waitlisted', 'cancelled', 'attended', 'absent');

CREATE TABLE training_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind event_kind NOT NULL,
    title text NOT NULL CHECK (btrim(title) <> ''),
    -- Local (Beijing) wall-clock times, as coordinators write them.
    starts_at timestamp NOT NULL,
    ends_at timestamp NOT NULL,
    hours numeric(6, 2) NOT NULL CHECK (hours > 0),
    capacity integer NOT NULL CHECK (capacity > 0),
    -- The organizer: an enterprise (takes only its own staff), a region (staff of its
    -- enterprises), or neither (anyone tracked).
    enterprise_id bigint REFERENCES enterprise (id),
    region_code region_code,
    location text,
    -- Departments the event is for; NULL for all six.
    audience department_kind[] CHECK (cardinality(audience) > 0),
    seats_taken integer NOT NULL DEFAULT 0,
    cancelled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT training_event_ends_after_start CHECK (ends_at > starts_at),
    CONSTRAINT training_event_hours_within_span CHECK (hours <= extract(epoch FROM ends_at - starts_at) / 3600),
    CONSTRAINT training_event_one_organizer CHECK (enterprise_id IS NULL OR region_code IS NULL),
    CONSTRAINT training_event_within_capacity CHECK (seats_taken BETWEEN 0 AND capacity)
);
CREATE INDEX training_event_starts_idx ON training_event (starts_at);
CREATE INDEX training_event_enterprise_idx ON training_event (enterprise_id);

-- Seats reserved for one department kind, so that one body cannot fill a joint training.
CREATE TABLE event_quota (
    event_id bigint NOT NULL REFERENCES training_event (id),
    department department_kind NOT NULL,
    seats integer NOT NULL CHECK (seats > 0),
    seats_taken integer NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, department),
    CONSTRAINT event_quota_within_seats CHECK (seats_taken BETWEEN 0 AND seats)
);

CREATE SEQUENCE enrollment_queue_seq;

CREATE TABLE enrollment (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id bigint NOT NULL REFERENCES training_event (id),
    person_id bigint NOT NULL REFERENCES person (id),
    -- The employment the person comes from: whose staff they are, in which department.
    enterprise_id bigint NOT NULL REFERENCES enterprise (id),
    department department_kind NOT NULL,
    status enrollment_status NOT NULL,
    -- The quota the seat counts against; NULL for the open pool (and for no seat).
    seat_quota department_kind,
    -- Order of requests: the waitlist is served in this order.
    queue_position bigint NOT NULL DEFAULT nextval('enrollment_queue_seq'),
    requested_at timestamp NOT NULL,
    hours numeric(6, 2) CHECK (hours >= 0),
    CONSTRAINT enrollment_once UNIQUE (event_id, person_id),
    CONSTRAINT enrollment_hours_only_when_attended CHECK ((hours IS NOT NULL) = (status = 'attended')),
    CONSTRAINT enrollment_quota_only_with_seat
        CHECK (seat_quota IS NULL OR status IN ('enrolled', 'attended', 'absent'))
);
CREATE INDEX enrollment_waitlist_idx ON enrollment (event_id, queue_position) WHERE status = 'waitlisted';
CREATE INDEX enrollment_person_idx ON enrollment (person_id);

CREATE FUNCTION enrollment_holds_seat(status enrollment_status) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT status IN ('enrolled', 'attended', 'absent')
$$;

-- Keeps training_event.seats_taken and event_quota.seats_taken equal to the seats held, for
-- any write, so that their CHECKs enforce capacity and quotas.
CREATE FUNCTION enrollment_count_seats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND enrollment_holds_seat(OLD.status) THEN
        UPDATE training_event SET seats_taken = seats_taken - 1 WHERE id = OLD.event_id;
        IF OLD.seat_quota IS NOT NULL THEN
            UPDATE event_quota SET seats_taken = seats_taken - 1
            WHERE event_id = OLD.event_id AND department = OLD.seat_quota;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND enrollment_holds_seat(NEW.status) THEN
        UPDATE training_event SET seats_taken = seats_taken + 1 WHERE id = NEW.event_id;
        IF NEW.seat_quota IS NOT NULL THEN
            UPDATE event_quota SET seats_taken = seats_taken + 1
            WHERE event_id = NEW.event_id AND department = NEW.seat_quota;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'event % has no quota for %', NEW.event_id, NEW.seat_quota
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'enrollment_quota_exists';
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER enrollment_count_seats
    AFTER INSERT OR DELETE OR UPDATE OF status, seat_quota, event_id ON enrollment
    FOR EACH ROW EXECUTE FUNCTION enrollment_count_seats();

-- The employment a person enrolls from: active on the date, in a department of the event's
-- audience, at the organizing enterprise or in the organizing region; the longest-standing one
-- when several qualify. No row when none does. Plain SQL, so bulk enrollment can join it.
CREATE FUNCTION eligible_employment(p_event bigint, p_person bigint, p_on date)
RETURNS TABLE (enterprise_id bigint, department department_kind)
LANGUAGE sql STABLE AS $$
    SELECT em.enterprise_id, em.department
    FROM training_event ev
    JOIN employment em ON em.person_id = p_person
    JOIN enterprise en ON en.id = em.enterprise_id
    WHERE ev.id = p_event
      AND employment_active_on(em.hired_on, em.left_on, p_on)
      AND (ev.audience IS NULL OR em.department = ANY (ev.audience))
      AND (ev.enterprise_id IS NULL OR em.enterprise_id = ev.enterprise_id)
      AND (ev.region_code IS NULL OR in_region(en.region_code, ev.region_code))
    ORDER BY em.hired_on NULLS LAST, em.id
    LIMIT 1
$$;

-- Why a person may not enroll in an event on a date, or NULL when they may; also the employment
-- they enroll from. The person must be tracked staff on that date, of a department in the
-- event's audience, at the organizing enterprise or in the organizing region.
CREATE FUNCTION enrollment_source(p_event bigint, p_person bigint, p_on date,
                                  OUT enterprise_id bigint, OUT department department_kind, OUT problem text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    ev training_event;
BEGIN
    SELECT * INTO ev FROM training_event WHERE id = p_event;
    IF NOT FOUND THEN
        problem := 'no training event has id ' || p_event;
        RETURN;
    END IF;
    SELECT e.enterprise_id, e.department INTO enterprise_id, department
    FROM eligible_employment(p_event, p_person, p_on) e;
    IF FOUND THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM employment em WHERE em.person_id = p_person
                   AND employment_active_on(em.hired_on, em.left_on, p_on)) THEN
        problem := 'is not tracked staff of any enterprise on ' || p_on;
    ELSIF ev.enterprise_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM employment em WHERE em.person_id = p_person AND em.enterprise_id = ev.enterprise_id
            AND employment_active_on(em.hired_on, em.left_on, p_on)) THEN
        problem := 'is not on the staff of the enterprise that organizes this event';
    ELSIF ev.region_code IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM employment em JOIN enterprise en ON en.id = em.enterprise_id
            WHERE em.person_id = p_person AND in_region(en.region_code, ev.region_code)
            AND employment_active_on(em.hired_on, em.left_on, p_on)) THEN
        problem := 'works for no enterprise in region ' || ev.region_code || ', which organizes this event';
    ELSE
        problem := 'works in no department this event is for (' || array_to_string(ev.audience, ', ') || ')';
    END IF;
    enterprise_id := NULL;
    department := NULL;
END
$$;

-- Enrolls a person, or puts them on the waitlist, under the event's row lock. A person of a
-- department with a quota takes a quota seat while one is free, else an open seat; seats that
-- other departments' quotas still reserve are never taken. Enrolling again is a no-op.
-- Returns the enrollment's status and whether anything changed.
CREATE FUNCTION enroll_person(p_event bigint, p_person bigint, p_at timestamp,
                              OUT enrollment_id bigint, OUT status enrollment_status, OUT changed boolean)
LANGUAGE plpgsql AS $$
DECLARE
    ev training_event;
    source record;
    existing enrollment;
    quota_free integer;
    reserved_elsewhere integer;
    seat department_kind;
BEGIN
    SELECT * INTO ev FROM training_event WHERE id = p_event FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no training event has id %', p_event USING ERRCODE = 'no_data_found';
    END IF;
    IF ev.cancelled_at IS NOT NULL THEN
        RAISE EXCEPTION 'event % was cancelled', p_event USING ERRCODE = 'check_violation',
            CONSTRAINT = 'enrollment_event_open';
    END IF;
    IF p_at >= ev.starts_at THEN
        RAISE EXCEPTION 'enrollment closed when event % started at %', p_event, ev.starts_at
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enrollment_before_start';
    END IF;
    SELECT * INTO existing FROM enrollment e WHERE e.event_id = p_event AND e.person_id = p_person;
    IF FOUND AND existing.status <> 'cancelled' THEN
        enrollment_id := existing.id;
        status := existing.status;
        changed := false;
        RETURN;
    END IF;
    SELECT * INTO source FROM enrollment_source(p_event, p_person, p_at::date);
    IF source.problem IS NOT NULL THEN
        RAISE EXCEPTION 'person %: %', p_person, source.problem USING ERRCODE = 'check_violation',
            CONSTRAINT = 'enrollment_eligible';
    END IF;
    SELECT q.seats - q.seats_taken INTO quota_free
    FROM event_quota q WHERE q.event_id = p_event AND q.department = source.department;
    SELECT coalesce(sum(q.seats - q.seats_taken), 0) INTO reserved_elsewhere
    FROM event_quota q WHERE q.event_id = p_event AND q.department <> source.department;
    IF coalesce(quota_free, 0) > 0 THEN
        status := 'enrolled';
        seat := source.department;
    ELSIF ev.capacity - ev.seats_taken - reserved_elsewhere > 0 THEN
        status := 'enrolled';
        seat := NULL;
    ELSE
        status := 'waitlisted';
        seat := NULL;
    END IF;
    IF existing.id IS NOT NULL THEN
        UPDATE enrollment e
        SET status = enroll_person.status, seat_quota = seat, enterprise_id = source.enterprise_id,
            department = source.department, requested_at = p_at, hours = NULL,
            queue_position = nextval('enrollment_queue_seq')
        WHERE e.id = existing.id;
        enrollment_id := existing.id;
    ELSE
        INSERT INTO enrollment (event_id, person_id, enterprise_id, department, status, seat_quota, requested_at)
        VALUES (p_event, p_person, source.enterprise_id, source.department, enroll_person.status, seat, p_at)
        RETURNING id INTO enrollment_id;
    END IF;
    changed := true;
END
$$;

-- Cancels a person's enrollment and, when that frees a seat, promotes the first person on the
-- waitlist in the same transaction: first from the freed quota's department, then anyone.
-- Returns the promoted person's id, or NULL.
CREATE FUNCTION cancel_enrollment(p_event bigint, p_person bigint, OUT promoted_person bigint)
LANGUAGE plpgsql AS $$
DECLARE
    ev training_event;
    gone enrollment;
    next_in_line enrollment;
BEGIN
    SELECT * INTO ev FROM training_event WHERE id = p_event FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no training event has id %', p_event USING ERRCODE = 'no_data_found';
    END IF;
    SELECT * INTO gone FROM enrollment e WHERE e.event_id = p_event AND e.person_id = p_person
      AND e.status IN ('enrolled', 'waitlisted');
    IF NOT FOUND THEN
        RAISE EXCEPTION 'person % holds no enrollment in event % to cancel', p_person, p_event
            USING ERRCODE = 'no_data_found';
    END IF;
    UPDATE enrollment SET status = 'cancelled', seat_quota = NULL WHERE id = gone.id;
    IF gone.status <> 'enrolled' THEN
        RETURN;
    END IF;
    SELECT * INTO next_in_line FROM enrollment e
    WHERE e.event_id = p_event AND e.status = 'waitlisted'
    ORDER BY (gone.seat_quota IS NOT NULL AND e.department = gone.seat_quota) DESC, e.queue_position
    LIMIT 1;
    IF FOUND THEN
        UPDATE enrollment SET status = 'enrolled',
            seat_quota = CASE WHEN next_in_line.department = gone.seat_quota THEN gone.seat_quota END
        WHERE id = next_in_line.id;
        promoted_person := next_in_line.person_id;
    END IF;
END
$$;

-- Continuing-education minimums per registration period (民发〔2009〕123号 via domain.md §2.2),
-- kept as rule rows so a province or a later rule can add its own.
CREATE TABLE continuing_education_rule (
    jurisdiction text NOT NULL DEFAULT 'national',
    level certificate_level NOT NULL,
    period_years integer NOT NULL CHECK (period_years > 0),
    min_hours numeric(6, 2) NOT NULL CHECK (min_hours > 0),
    source text NOT NULL,
    PRIMARY KEY (jurisdiction, level)
);
INSERT INTO continuing_education_rule (level, period_years, min_hours, source) VALUES
    ('junior', 3, 72, '社会工作者继续教育办法 (民发〔2009〕123号)'),
    ('intermediate', 3, 90, '社会工作者继续教育办法 (民发〔2009〕123号)'),
    ('senior', 3, 90, '社会工作者继续教育办法 (民发〔2009〕123号)');
