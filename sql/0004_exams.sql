-- The national social worker professional level examination (全国社会工作者职业水平考试):
-- sessions by year and level, registration windows per province, pass lines per subject with
-- optional lower local lines, registrations and scores. The rules that change are rows:
-- which subjects a level sits and how many consecutive exam years its passes stay valid
-- (domain.md §1.2-1.4), and the pass lines of each session.

CREATE TYPE exam_subject AS ENUM ('comprehensive', 'practice', 'regulations');

CREATE TABLE exam_level_rule (
    level certificate_level PRIMARY KEY,
    subjects exam_subject[] NOT NULL CHECK (cardinality(subjects) > 0),
    -- Passes count together within this many consecutive exam years (1: all in one year).
    window_years integer NOT NULL CHECK (window_years > 0),
    -- For a level whose pass is only a step (senior: a review must follow), how many exam years
    -- the pass stays valid; NULL when passing is the end of it.
    pass_valid_years integer CHECK (pass_valid_years > 0),
    source text NOT NULL
);
INSERT INTO exam_level_rule (level, subjects, window_years, pass_valid_years, source) VALUES
    ('junior', '{comprehensive,practice}', 1, NULL, '助理社会工作师、社会工作师职业水平考试实施办法 第四条'),
    ('intermediate', '{comprehensive,regulations,practice}', 2, NULL, '助理社会工作师、社会工作师职业水平考试实施办法 第四条'),
    ('senior', '{practice}', 1, 3, '高级社会工作师评价办法 (人社部规〔2018〕2号)');

CREATE TABLE exam_session (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year integer NOT NULL CHECK (year BETWEEN 2008 AND 2100),
    level certificate_level NOT NULL,
    exam_date date NOT NULL,
    CONSTRAINT exam_session_once_a_year UNIQUE (year, level),
    CONSTRAINT exam_session_date_in_year CHECK (extract(year FROM exam_date) = year)
);

-- Registration is set per province (属地化管理).
CREATE TABLE registration_window (
    session_id bigint NOT NULL REFERENCES exam_session (id),
    province_code region_code NOT NULL REFERENCES region (code),
    opens_on date NOT NULL,
    closes_on date NOT NULL,
    PRIMARY KEY (session_id, province_code),
    CONSTRAINT registration_window_order CHECK (closes_on >= opens_on),
    CONSTRAINT registration_window_province CHECK (province_code LIKE '__0000')
);

-- The national line (region_code NULL) and local lines for listed areas, per subject.
CREATE TABLE pass_line (
    session_id bigint NOT NULL REFERENCES exam_session (id),
    subject exam_subject NOT NULL,
    region_code region_code,
    mark numeric(5, 2) NOT NULL CHECK (mark BETWEEN 0 AND 100),
    CONSTRAINT pass_line_once UNIQUE NULLS NOT DISTINCT (session_id, subject, region_code)
);

CREATE TABLE exam_registration (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id bigint NOT NULL REFERENCES exam_session (id),
    person_id bigint NOT NULL REFERENCES person (id),
    -- Where the candidate registers from: the employer and its division code, which decide the
    -- registration window and any local pass line.
    enterprise_id bigint NOT NULL REFERENCES enterprise (id),
    region_code region_code NOT NULL,
    subjects exam_subject[] NOT NULL CHECK (cardinality(subjects) > 0),
    registered_on date NOT NULL,
    -- Education and years of work are not recorded yet, so eligibility cannot be checked.
    eligibility_unverified boolean NOT NULL DEFAULT true,
    CONSTRAINT exam_registration_once UNIQUE (session_id, person_id)
);
CREATE INDEX exam_registration_person_idx ON exam_registration (person_id);

-- Where a person registers from on a date: an active employment whose province has the
-- session's registration window open that day. NULLs and the reason when there is none.
CREATE FUNCTION exam_registration_source(p_session bigint, p_person bigint, p_on date,
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
                   || '; see esw exam window set';
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

CREATE TABLE exam_score (
    registration_id bigint NOT NULL REFERENCES exam_registration (id),
    subject exam_subject NOT NULL,
    score numeric(5, 2) NOT NULL CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (registration_id, subject)
);

-- Each score against its session's lines: passed nationally, or only on a local line that
-- covers the candidate's region (a local pass is valid locally only).
CREATE VIEW exam_subject_result AS
SELECT r.person_id, s.id AS session_id, s.level, s.year, sc.subject, sc.score,
       sc.score >= national.mark AS passed_national,
       sc.score >= least(national.mark, coalesce(local_line.mark, national.mark)) AS passed
FROM exam_score sc
JOIN exam_registration r ON r.id = sc.registration_id
JOIN exam_session s ON s.id = r.session_id
JOIN pass_line national ON national.session_id = s.id AND national.subject = sc.subject AND national.region_code IS NULL
LEFT JOIN LATERAL (
    SELECT min(l.mark) AS mark FROM pass_line l
    WHERE l.session_id = s.id AND l.subject = sc.subject AND l.region_code IS NOT NULL
      AND in_region(r.region_code, l.region_code)
) local_line ON true;

-- A certificate may name the exam session whose pass it came from.
ALTER TABLE certificate ADD COLUMN exam_session_id bigint REFERENCES exam_session (id);
