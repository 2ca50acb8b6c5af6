-- Exam eligibility (报名条件, domain.md §1.6): a person's education, whether it was in social work,
-- and since when they have done social work, checked against rule rows. Where a person's
-- education or start date is not recorded, a registration is accepted and flagged unverified.

CREATE TYPE education_level AS ENUM ('secondary', 'associate', 'bachelor', 'master', 'doctorate');

ALTER TABLE person
    ADD COLUMN education education_level,
    ADD COLUMN social_work_major boolean,
    ADD COLUMN social_work_since date;

-- Any one row of a level admits a candidate: the education at least min_education (and in social
-- work when social_work_major is true), at least min_years of social work counted to the
-- session's cut-off, and, where a certificate is required, at least years_since_certificate
-- years since that certificate was issued.
CREATE TABLE exam_eligibility_rule (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    level certificate_level NOT NULL,
    min_education education_level NOT NULL,
    social_work_major boolean,
    min_years integer NOT NULL DEFAULT 0 CHECK (min_years >= 0),
    max_education education_level,
    needs_certificate certificate_level,
    years_since_certificate integer NOT NULL DEFAULT 0 CHECK (years_since_certificate >= 0),
    source text NOT NULL
);
INSERT INTO exam_eligibility_rule (level, min_education, max_education, social_work_major, min_years,
                                   needs_certificate, years_since_certificate, source) VALUES
    ('junior', 'secondary', 'secondary', NULL, 4, NULL, 0, '实施办法; domain.md §1.6 junior 1'),
    ('junior', 'associate', NULL, true, 2, NULL, 0, 'junior 2'),
    ('junior', 'bachelor', NULL, true, 0, NULL, 0, 'junior 3'),
    ('junior', 'associate', 'associate', false, 4, NULL, 0, 'junior 4'),
    ('junior', 'bachelor', NULL, false, 2, NULL, 0, 'junior 5'),
    ('intermediate', 'secondary', 'secondary', NULL, 0, 'junior', 6, 'intermediate 1'),
    ('intermediate', 'associate', NULL, true, 4, NULL, 0, 'intermediate 2'),
    ('intermediate', 'bachelor', NULL, true, 3, NULL, 0, 'intermediate 3'),
    ('intermediate', 'master', NULL, true, 1, NULL, 0, 'intermediate 4'),
    ('intermediate', 'doctorate', NULL, true, 0, NULL, 0, 'intermediate 5'),
    ('intermediate', 'associate', NULL, false, 6, NULL, 0, 'intermediate 6 (associate + 2)'),
    ('intermediate', 'bachelor', NULL, false, 5, NULL, 0, 'intermediate 6 (bachelor + 2)'),
    ('intermediate', 'master', NULL, false, 3, NULL, 0, 'intermediate 6 (master + 2)'),
    ('intermediate', 'doctorate', NULL, false, 2, NULL, 0, 'intermediate 6 (doctorate + 2)'),
    ('senior', 'bachelor', NULL, NULL, 0, 'intermediate', 5, 'senior (人社部规〔2018〕2号)');

-- Work years count up to a cut-off that notices set per year (31 December of the year before the
-- exam by default; some notices say the end of the exam year).
ALTER TABLE exam_session ADD COLUMN work_years_cutoff date;
UPDATE exam_session SET work_years_cutoff = make_date(year - 1, 12, 31);
ALTER TABLE exam_session ALTER COLUMN work_years_cutoff SET NOT NULL;

-- The subjects of a registration must be subjects of the session's level.
CREATE FUNCTION exam_registration_subjects_valid() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM exam_session s JOIN exam_level_rule r ON r.level = s.level
                   WHERE s.id = NEW.session_id AND NEW.subjects <@ r.subjects) THEN
        RAISE EXCEPTION 'subjects % are not all subjects of the level of session %', NEW.subjects, NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'exam_registration_subjects_of_level';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER exam_registration_subjects_valid BEFORE INSERT OR UPDATE OF subjects, session_id ON exam_registration
    FOR EACH ROW EXECUTE FUNCTION exam_registration_subjects_valid();

-- Whether a person may sit a session's level: 'eligible', 'unverified' (education or start of
-- social work not recorded) or the reason they are not.
CREATE FUNCTION exam_eligibility(p_session bigint, p_person bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p.education IS NULL OR p.social_work_since IS NULL THEN 'unverified'
        WHEN EXISTS (
            SELECT 1 FROM exam_eligibility_rule r
            WHERE r.level = s.level
              AND p.education >= r.min_education
              AND (r.max_education IS NULL OR p.education <= r.max_education)
              AND (r.social_work_major IS NULL OR r.social_work_major = coalesce(p.social_work_major, false))
              AND extract(year FROM age(s.work_years_cutoff, p.social_work_since)) >= r.min_years
              AND (r.needs_certificate IS NULL OR EXISTS (
                      SELECT 1 FROM certificate c WHERE c.person_id = p.id AND c.level >= r.needs_certificate
                        AND c.revoked_on IS NULL
                        AND extract(year FROM age(s.work_years_cutoff, c.issued_on)) >= r.years_since_certificate)))
            THEN 'eligible'
        ELSE 'meets no eligibility rule for the ' || s.level || ' exam (education ' || p.education
             || CASE WHEN p.social_work_major THEN ' in social work' ELSE '' END || ', '
             || extract(year FROM age(s.work_years_cutoff, p.social_work_since)) || ' years of social work by '
             || to_char(s.work_years_cutoff, 'YYYY-MM-DD') || ')'
    END
    FROM exam_session s, person p
    WHERE s.id = p_session AND p.id = p_person
$$;
