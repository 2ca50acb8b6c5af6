-- Rules once, in SQL: rules that several callers applied each in their own way, written once here
-- and read by every caller (CLI, reports, a psql user). `\df+ name` and `\dv+ name` in psql show
-- what each function and view does.
--
--   1. The ratio's "who counts on a day", as small inlinable predicates that staff_on,
--      enterprise_ratio_on, the trend and the by-day functions share (same signatures, same results).
--   2. continuing_education_period(certificate, day): the continuing-education (继续教育) period a
--      certificate is in on a day, with its required and credited hours; `esw training gaps` and
--      `esw certificate status|register` all read it.
--   3. exam_level_pass: who passed which level in which exam year; exam_cohort: each registration's
--      way through the exam funnel, counted in the year the level was passed.

-- 1. Who counts on a day ---------------------------------------------------------------------

-- A registration is in force from its day until the day before valid_until.
CREATE FUNCTION registration_in_force_on(registered_on date, valid_until date, as_of date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT registered_on <= as_of AND valid_until > as_of
$$;

-- The enterprises of a region (all of them for the NULL region).
CREATE FUNCTION enterprises_in_region(region text) RETURNS TABLE (id bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT en.id FROM enterprise en WHERE in_region(en.region_code, region)
$$;

-- The rows both staff_on and enterprise_ratio_on group: each employment active on the day with
-- each certificate of its person that counts that day (level NULL when none). No grouping, so the
-- planner inlines it into its callers as if written there.
CREATE FUNCTION staff_certificates_on(as_of date, region text, registered_only boolean)
RETURNS TABLE (enterprise_id bigint, person_id bigint, department department_kind, level certificate_level)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT e.enterprise_id, e.person_id, e.department, c.level
    FROM employment e
    LEFT JOIN certificate c
        ON c.person_id = e.person_id AND certificate_valid_on(c.issued_on, c.revoked_on, as_of)
       AND (NOT registered_only OR EXISTS (
               SELECT 1 FROM certificate_registration r
               WHERE r.certificate_id = c.id
                 AND registration_in_force_on(r.registered_on, r.valid_until, as_of)))
    WHERE employment_active_on(e.hired_on, e.left_on, as_of)
      AND (region IS NULL OR e.enterprise_id IN (SELECT en.id FROM enterprises_in_region(region) en))
$$;

CREATE OR REPLACE FUNCTION staff_on(as_of date, region text DEFAULT NULL, registered_only boolean DEFAULT false)
RETURNS TABLE (enterprise_id bigint, person_id bigint, department department_kind, level certificate_level)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT s.enterprise_id, s.person_id, s.department, max(s.level)
    FROM staff_certificates_on(as_of, region, registered_only) s
    GROUP BY s.enterprise_id, s.person_id, s.department
$$;

CREATE OR REPLACE FUNCTION enterprise_ratio_on(as_of date, region text DEFAULT NULL,
                                               registered_only boolean DEFAULT false)
RETURNS TABLE (enterprise_id bigint, tracked bigint, certified bigint,
               junior bigint, intermediate bigint, senior bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT en.id,
           coalesce(p.tracked, 0), coalesce(p.certified, 0),
           coalesce(p.junior, 0), coalesce(p.intermediate, 0), coalesce(p.senior, 0),
           certified_ratio(coalesce(p.certified, 0), coalesce(p.tracked, 0))
    FROM enterprise en
    LEFT JOIN (
        SELECT per_person.enterprise_id,
               count(*) AS tracked,
               count(per_person.level) AS certified,
               count(*) FILTER (WHERE per_person.level = 'junior') AS junior,
               count(*) FILTER (WHERE per_person.level = 'intermediate') AS intermediate,
               count(*) FILTER (WHERE per_person.level = 'senior') AS senior
        FROM (
            SELECT s.enterprise_id, s.person_id, max(s.level) AS level
            FROM staff_certificates_on(as_of, region, registered_only) s
            GROUP BY s.enterprise_id, s.person_id
        ) per_person
        GROUP BY per_person.enterprise_id
    ) p ON p.enterprise_id = en.id
    WHERE in_region(en.region_code, region)
$$;

-- The same rules joined to each day: staff_certificates_on taken LATERAL per day would plan as one
-- employment scan per day instead of one join, so the predicates are called here directly.
CREATE OR REPLACE FUNCTION ratio_trend_by_date(days date[], region text DEFAULT NULL, enterprise bigint DEFAULT NULL,
                                               registered_only boolean DEFAULT false)
RETURNS TABLE (as_of date, tracked bigint, certified bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT d.day, coalesce(t.tracked, 0), coalesce(t.certified, 0),
           certified_ratio(coalesce(t.certified, 0), coalesce(t.tracked, 0))
    FROM unnest(days) AS d(day)
    LEFT JOIN (
        SELECT per_person.day, count(*) AS tracked, count(per_person.level) AS certified
        FROM (
            SELECT dd.day, e.enterprise_id, e.person_id, max(c.level) AS level
            FROM unnest(days) AS dd(day)
            JOIN employment e ON employment_active_on(e.hired_on, e.left_on, dd.day)
            LEFT JOIN certificate c
                ON c.person_id = e.person_id AND certificate_valid_on(c.issued_on, c.revoked_on, dd.day)
               AND (NOT registered_only OR EXISTS (
                       SELECT 1 FROM certificate_registration r
                       WHERE r.certificate_id = c.id
                         AND registration_in_force_on(r.registered_on, r.valid_until, dd.day)))
            WHERE (enterprise IS NULL OR e.enterprise_id = enterprise)
              AND (region IS NULL OR e.enterprise_id IN (SELECT en.id FROM enterprises_in_region(region) en))
            GROUP BY dd.day, e.enterprise_id, e.person_id
        ) per_person
        GROUP BY per_person.day
    ) t ON t.day = d.day
    ORDER BY d.day
$$;

-- The by-day form keeps the set form of the same rules (days_active over the same intervals).
CREATE OR REPLACE FUNCTION enterprise_ratio_by_day(days date[], region text DEFAULT NULL,
                                                   enterprise bigint DEFAULT NULL,
                                                   registered_only boolean DEFAULT false)
RETURNS TABLE (as_of date, enterprise_id bigint, tracked bigint, certified bigint, ratio numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT x.day, x.id, x.tracked, x.certified, certified_ratio(x.certified, x.tracked)
    FROM (
        SELECT d.day, en.id,
               coalesce(sum(g.persons) FILTER (WHERE g.tracked_days & (1::bigint << (d.i - 1)::int) <> 0), 0)::bigint
                   AS tracked,
               coalesce(sum(g.persons) FILTER (WHERE g.certified_days & (1::bigint << (d.i - 1)::int) <> 0), 0)::bigint
                   AS certified
        FROM enterprise en
        CROSS JOIN unnest(days) WITH ORDINALITY AS d(day, i)
        LEFT JOIN (
            -- Persons with the same days tracked and certified count together.
            SELECT p.enterprise_id, p.tracked_days, p.certified_days, count(*) AS persons
            FROM (
                SELECT s.enterprise_id, s.tracked_days,
                       s.tracked_days & coalesce(bit_or(days_active(c.issued_on, c.revoked_on, days)
                           & CASE WHEN registered_only THEN coalesce(reg.registered_days, 0) ELSE -1 END)
                           FILTER (WHERE c.id IS NOT NULL), 0) AS certified_days
                FROM (
                    SELECT e.enterprise_id, e.person_id,
                           bit_or(days_active(e.hired_on, e.left_on, days)) AS tracked_days
                    FROM employment e
                    WHERE (enterprise IS NULL OR e.enterprise_id = enterprise)
                      AND (region IS NULL OR e.enterprise_id IN (SELECT r.id FROM enterprises_in_region(region) r))
                    GROUP BY e.enterprise_id, e.person_id
                ) s
                LEFT JOIN certificate c ON c.person_id = s.person_id
                LEFT JOIN (
                    SELECT r.certificate_id,
                           bit_or(days_active(r.registered_on, r.valid_until, days)) AS registered_days
                    FROM certificate_registration r WHERE registered_only GROUP BY r.certificate_id
                ) reg ON registered_only AND reg.certificate_id = c.id
                GROUP BY s.enterprise_id, s.person_id, s.tracked_days
            ) p
            GROUP BY p.enterprise_id, p.tracked_days, p.certified_days
        ) g ON g.enterprise_id = en.id
        WHERE (enterprise IS NULL OR en.id = enterprise) AND in_region(en.region_code, region)
          AND require_days_bit_set(days)
        GROUP BY d.day, en.id
    ) x
$$;

COMMENT ON FUNCTION employment_active_on(date, date, date) IS
    'Whether an employment counts on a day: hired on or before it (or hiring day unknown), not yet left.';
COMMENT ON FUNCTION certificate_valid_on(date, date, date) IS
    'Whether a certificate counts on a day: issued on or before it and not revoked on or before it.';
COMMENT ON FUNCTION registration_in_force_on(date, date, date) IS
    'Whether a certificate registration is in force on a day: registered on or before it, valid_until after it.';
COMMENT ON FUNCTION region_prefix(text) IS
    'The division-code prefix a region''s enterprises share: 2 digits for a province, 4 for a city, 6 for a county.';
COMMENT ON FUNCTION in_region(text, text) IS
    'Whether a division code lies in a region (by region_prefix); every code lies in the NULL region (the country).';
COMMENT ON FUNCTION enterprises_in_region(text) IS
    'The ids of the enterprises of a region (in_region); all enterprises for the NULL region.';
COMMENT ON FUNCTION certified_ratio(bigint, bigint) IS
    'certified / tracked rounded to 4 decimals; NULL when nobody is tracked, never 0 or NaN.';
COMMENT ON FUNCTION staff_certificates_on(date, text, boolean) IS
    'Each employment active on a day with each certificate of its person counting that day (level NULL if none): '
    'the rows staff_on and enterprise_ratio_on group.';
COMMENT ON FUNCTION staff_on(date, text, boolean) IS
    'Tracked staff on a day: one row per enterprise, person and department with an active employment, '
    'and the highest certificate level held that day (NULL if none; registered certificates only if asked).';
COMMENT ON FUNCTION enterprise_ratio_on(date, text, boolean) IS
    'The certified-worker ratio of every enterprise of a region on a day: distinct tracked persons, certified '
    'persons, certified by highest level, ratio. Enterprises without staff appear with zeros and a NULL ratio.';
COMMENT ON FUNCTION enterprise_department_ratio_on(date, text, boolean) IS
    'The certified-worker ratio per enterprise and department on a day (a person in two departments counts in each).';
COMMENT ON FUNCTION ratio_trend(date[], text, bigint, boolean) IS
    'A region''s (or one enterprise''s, or the country''s) tracked, certified and ratio at each day: one pass by '
    'enterprise_ratio_by_day when the days fit a bit set, else ratio_trend_by_date.';
COMMENT ON FUNCTION ratio_trend_by_date(date[], text, bigint, boolean) IS
    'ratio_trend for any list of days, one row per day and employment: the same counts as enterprise_ratio_on.';
COMMENT ON FUNCTION enterprise_ratio_by_day(date[], text, bigint, boolean) IS
    'Every enterprise''s tracked, certified and ratio at up to 62 ascending days in one pass (bit sets of days); '
    'the same counts as enterprise_ratio_on on each day.';
COMMENT ON FUNCTION days_active(date, date, date[]) IS
    'Bit i-1 set when days[i] lies in [starts, ends) (NULL start: always started; NULL end: never ends); '
    'the set form of employment_active_on, certificate_valid_on and registration_in_force_on.';
COMMENT ON FUNCTION days_fit_bit_set(date[]) IS
    'Whether a list of days can be a bit set: at most 62, ascending, distinct, no NULL.';
COMMENT ON FUNCTION require_days_bit_set(date[]) IS
    'True, or an error when the days do not fit a bit set (days_fit_bit_set).';

-- 2. The continuing-education period ----------------------------------------------------------

-- The continuing-education period a certificate is in on a day. The hours are cumulative per
-- registration period and a renewal needs those of the period it closes (domain.md §2.1-2.2):
--   - while a registration is in force, the period runs from the day of the latest registration
--     (first or renewal) to its valid_until; a renewal starts the next period on its own day, so
--     no hour counts twice and none is lost between a renewal and the old period's end;
--   - with no registration in force (never registered, or lapsed), cycles of
--     continuing_education_rule.period_years counted from the issue day, or from the day the last
--     registration lapsed, so that a coordinator still sees a target.
-- Credited hours are the attended hours of events that started in the period, up to the day.
CREATE FUNCTION continuing_education_period(certificate bigint, as_of date)
RETURNS TABLE (starts_on date, ends_on date, required_hours numeric, credited_hours numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p.starts_on, p.ends_on, rule.min_hours,
           (SELECT coalesce(sum(e.hours), 0)
            FROM enrollment e JOIN training_event ev ON ev.id = e.event_id
            WHERE e.person_id = c.person_id AND e.status = 'attended'
              AND ev.starts_at >= p.starts_on AND ev.starts_at < as_of + 1)
    FROM certificate c
    JOIN continuing_education_rule rule ON rule.level = c.level AND rule.jurisdiction = 'national'
    LEFT JOIN LATERAL (
        SELECT r.registered_on, r.valid_until FROM certificate_registration r
        WHERE r.certificate_id = c.id AND r.registered_on <= as_of
        ORDER BY r.registered_on DESC LIMIT 1
    ) last ON true
    CROSS JOIN LATERAL (
        SELECT coalesce(registration_in_force_on(last.registered_on, last.valid_until, as_of), false) AS in_force
    ) registered
    CROSS JOIN LATERAL (
        SELECT max(g)::date AS starts_on
        FROM generate_series(coalesce(last.valid_until, c.issued_on)::timestamp, as_of::timestamp,
                             make_interval(years => rule.period_years)) g
    ) rolling
    CROSS JOIN LATERAL (
        SELECT CASE WHEN in_force THEN last.registered_on ELSE rolling.starts_on END AS starts_on,
               CASE WHEN in_force THEN last.valid_until
                    ELSE (rolling.starts_on + make_interval(years => rule.period_years))::date END AS ends_on
    ) p
    WHERE c.id = certificate
$$;

COMMENT ON FUNCTION continuing_education_period(bigint, date) IS
    'The continuing-education period a certificate is in on a day (from the latest registration to its valid_until '
    'while in force; else period_years cycles from the issue day or the lapse), its required and credited hours.';

-- 3. Level passes and the exam funnel ---------------------------------------------------------

-- One row per person and level passed: the exam year in which every subject of the level had a
-- pass within the level's window of consecutive exam years (exam_level_rule), local lines
-- included (exam_subject_result.passed); the first such year when a level was passed again.
-- scope is 'national' when every subject was passed on the national line in that window,
-- 'local' otherwise (valid locally only).
--
--   SELECT p.id_number, x.level, x.year FROM exam_level_pass x JOIN person p ON p.id = x.person_id;
CREATE VIEW exam_level_pass AS
SELECT DISTINCT ON (y.person_id, y.level) y.person_id, y.level, y.year, y.scope
FROM (
    SELECT candidate.person_id, candidate.level, candidate.year,
           CASE WHEN count(DISTINCT w.subject) FILTER (WHERE w.passed_national) = cardinality(rule.subjects)
                THEN 'national' ELSE 'local' END AS scope
    FROM (SELECT DISTINCT r.person_id, r.level, r.year FROM exam_subject_result r WHERE r.passed) candidate
    JOIN exam_level_rule rule ON rule.level = candidate.level
    JOIN exam_subject_result w
        ON w.person_id = candidate.person_id AND w.level = candidate.level AND w.passed
       AND w.subject = ANY (rule.subjects)
       AND w.year <= candidate.year AND w.year > candidate.year - rule.window_years
    GROUP BY candidate.person_id, candidate.level, candidate.year, rule.subjects
    HAVING count(DISTINCT w.subject) = cardinality(rule.subjects)
) y
ORDER BY y.person_id, y.level, y.year;

-- One row per exam registration, the funnel's cohort of its session's year: the departments of
-- the registering employment on the day of registration, whether any score was recorded (sat),
-- whether the level was passed in this year (exam_level_pass; a later year's pass counts in that
-- later year's cohort), and, for those who passed, the first day a certificate of the level or a
-- higher one was issued on or after the exam. So certified never exceeds passed in a cohort.
CREATE VIEW exam_cohort AS
SELECT r.id AS registration_id, r.session_id, s.level, s.year, s.exam_date, r.person_id, r.enterprise_id,
       r.region_code,
       coalesce((SELECT array_agg(DISTINCT em.department ORDER BY em.department) FROM employment em
                 WHERE em.person_id = r.person_id AND em.enterprise_id = r.enterprise_id
                   AND employment_active_on(em.hired_on, em.left_on, r.registered_on)),
                '{}') AS departments,
       EXISTS (SELECT 1 FROM exam_score sc WHERE sc.registration_id = r.id) AS sat,
       lp.person_id IS NOT NULL AS passed,
       (SELECT min(c.issued_on) FROM certificate c
        WHERE lp.person_id IS NOT NULL AND c.person_id = r.person_id AND c.level >= s.level
          AND c.issued_on >= s.exam_date) AS certified_on
FROM exam_registration r
JOIN exam_session s ON s.id = r.session_id
LEFT JOIN exam_level_pass lp ON lp.person_id = r.person_id AND lp.level = s.level AND lp.year = s.year;

COMMENT ON VIEW exam_level_pass IS
    'Who passed which level in which exam year: every subject passed within the level''s window (local lines '
    'included); scope national or local. The first such year per person and level.';
COMMENT ON VIEW exam_cohort IS
    'Each exam registration in its session''s year: departments, sat, passed the level in that year, and for '
    'those who passed the first certificate day (level or higher, on or after the exam): the exam funnel''s rows.';

-- The other functions and views of the schema, so that every one explains itself in psql --------

COMMENT ON FUNCTION province_prefixes() IS
    'The two-digit prefixes of the 31 mainland province-level divisions of GB/T 2260.';
COMMENT ON FUNCTION region_code_problem(text) IS
    'NULL for a valid 6-digit GB/T 2260 division code, otherwise the reason it is not one.';
COMMENT ON FUNCTION id_number_check_character(text) IS
    'The GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 characters of a resident ID number.';
COMMENT ON FUNCTION id_number_problem(text) IS
    'NULL for a valid 18-character resident ID number (region, birth date, check character), otherwise the reason.';
COMMENT ON FUNCTION id_number_birth_date(text) IS
    'The birth date encoded in a resident ID number (characters 7-14).';
COMMENT ON FUNCTION uscc_problem(text) IS
    'NULL for a valid GB 32100 unified social credit code (character set, region, organization code, check), '
    'otherwise the reason.';
COMMENT ON FUNCTION enrollment_holds_seat(enrollment_status) IS
    'Whether an enrollment in this status takes a seat of its event: enrolled, attended or absent.';
COMMENT ON FUNCTION enrollment_count_seats() IS
    'Trigger: keeps training_event.seats_taken and event_quota.seats_taken equal to the seats held.';
COMMENT ON FUNCTION eligible_employment(bigint, bigint, date) IS
    'The employment a person enrolls in an event from on a day (active, in the audience, at the organizer), '
    'the longest-standing when several qualify; no row when none does.';
COMMENT ON FUNCTION enrollment_source(bigint, bigint, date) IS
    'Why a person may not enroll in an event on a day (NULL when they may), and the employment they enroll from.';
COMMENT ON FUNCTION enroll_person(bigint, bigint, timestamp) IS
    'Enrolls a person in an event: a quota seat, else an open seat, else the waitlist; never over capacity. '
    'Returns the status and whether anything changed.';
COMMENT ON FUNCTION cancel_enrollment(bigint, bigint) IS
    'Cancels an enrollment and promotes the first on the waitlist to a freed seat; returns the promoted person.';
COMMENT ON FUNCTION exam_registration_source(bigint, bigint, date) IS
    'Where a person registers for an exam session from on a day (an active employment whose province has the '
    'window open), or the reason there is none.';
COMMENT ON FUNCTION exam_registration_subjects_valid() IS
    'Trigger: the subjects of an exam registration must be subjects of the session''s level.';
COMMENT ON FUNCTION exam_eligibility(bigint, bigint) IS
    'Whether a person may sit a session''s level: eligible, unverified (not recorded) or the reason not.';
COMMENT ON FUNCTION pilot_application_transition_allowed() IS
    'Trigger: a pilot application changes status only along a row of application_transition.';
COMMENT ON VIEW exam_subject_result IS
    'Each exam score against its session''s lines: passed nationally, or passed on a local line covering the '
    'candidate''s region (local only).';
