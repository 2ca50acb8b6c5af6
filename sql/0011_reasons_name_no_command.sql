-- A reason written by the database names what to do next as a remedy marker, {remedy:key}, that
-- each front end words its own way (the CLI as the command to run); it never names a CLI command.
-- exam_registration_source (sql/0004) said "see esw exam window set": same function, same
-- answers, with the marker instead.

CREATE OR REPLACE FUNCTION exam_registration_source(p_session bigint, p_person bigint, p_on date,
                                                    OUT enterprise_id bigint, OUT region_code text, OUT problem text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    candidate record;
BEGIN
    SELECT em.enterprise_id, en.region_code, rw.opens_on, rw.closes_on, rg.name AS province
    INTO candidate
    FROM employment em
    JOIN enterprise en ON en.id = em.enterprise_id
    JOIN region rg ON rg.code = en.province_code
    LEFT JOIN registration_window rw ON rw.session_id = p_session AND rw.province_code = en.province_code
    WHERE em.person_id = p_person AND employment_active_on(em.hired_on, em.left_on, p_on)
    ORDER BY (rw.opens_on <= p_on AND rw.closes_on >= p_on) DESC NULLS LAST, em.hired_on NULLS LAST, em.id
    LIMIT 1;
    IF NOT FOUND THEN
        problem := 'has no active employment in a tracked department on ' || to_char(p_on, 'YYYY-MM-DD');
    ELSIF candidate.opens_on IS NULL THEN
        problem := 'no registration window is set for ' || candidate.province || ' in session ' || p_session
                   || '; see {remedy:set_exam_window}';
    ELSIF p_on NOT BETWEEN candidate.opens_on AND candidate.closes_on THEN
        problem := 'registration for session ' || p_session || ' in ' || candidate.province || ' is open from '
                   || to_char(candidate.opens_on, 'YYYY-MM-DD') || ' to ' || to_char(candidate.closes_on, 'YYYY-MM-DD')
                   || ', not on ' || to_char(p_on, 'YYYY-MM-DD');
    ELSE
        enterprise_id := candidate.enterprise_id;
        region_code := candidate.region_code;
    END IF;
END
$$;
