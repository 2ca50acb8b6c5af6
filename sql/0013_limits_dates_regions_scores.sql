-- The database guards itself: free-text limits, dates that can be true, region codes from the
-- GB/T 2260 table, and exam scores as the exam reports them. esw checks the same rules earlier,
-- with the line and column or the option named; these are the last line, for any client.
--
-- Rows already stored are not refused by this migration: a database that holds rows breaking a
-- new rule migrates, its CHECKs stay NOT VALID until those rows are corrected, and
-- guard_exceptions() counts them by table and rule (esw db migrate reports them). On a clean database
-- every CHECK below is validated at the end of this file. The alternative, failing the
-- migration, would leave a user who cannot fix a stored row with esw (there is no command to
-- edit an issue date) unable to upgrade at all. docs/limits.md lists every rule.

-- 1. Free-text limits, in characters (char_length), as docs/limits.md lists them ----------------

ALTER TABLE person ADD CONSTRAINT person_name_length CHECK (char_length(name) <= 100) NOT VALID;
ALTER TABLE region ADD CONSTRAINT region_name_length CHECK (char_length(name) <= 100) NOT VALID;
ALTER TABLE enterprise ADD CONSTRAINT enterprise_name_length CHECK (char_length(name) <= 200) NOT VALID;
ALTER TABLE service_org ADD CONSTRAINT service_org_name_length CHECK (char_length(name) <= 200) NOT VALID;
ALTER TABLE pilot_program
    ADD CONSTRAINT pilot_program_name_length CHECK (char_length(name) <= 200) NOT VALID,
    ADD CONSTRAINT pilot_program_document_length CHECK (char_length(document) <= 200) NOT VALID;
ALTER TABLE training_event
    ADD CONSTRAINT training_event_title_length CHECK (char_length(title) <= 200) NOT VALID,
    ADD CONSTRAINT training_event_location_length CHECK (char_length(location) <= 200) NOT VALID;
ALTER TABLE social_work_post ADD CONSTRAINT social_work_post_title_length CHECK (char_length(title) <= 200) NOT VALID;
ALTER TABLE certificate
    ADD CONSTRAINT certificate_certificate_no_length CHECK (char_length(certificate_no) <= 100) NOT VALID;
ALTER TABLE funding ADD CONSTRAINT funding_contract_no_length CHECK (char_length(contract_no) <= 100) NOT VALID;
ALTER TABLE pilot_application ADD CONSTRAINT pilot_application_plan_length CHECK (char_length(plan) <= 20000) NOT VALID;
ALTER TABLE pilot_application_event
    ADD CONSTRAINT pilot_application_event_note_length CHECK (char_length(note) <= 2000) NOT VALID,
    ADD CONSTRAINT pilot_application_event_actor_length CHECK (char_length(actor) <= 100) NOT VALID;
-- Written by esw and by migrations, not typed by users; bounded all the same.
ALTER TABLE audit_log
    ADD CONSTRAINT audit_log_actor_length CHECK (char_length(actor) <= 100) NOT VALID,
    ADD CONSTRAINT audit_log_action_length CHECK (char_length(action) <= 100) NOT VALID,
    ADD CONSTRAINT audit_log_subject_length CHECK (char_length(subject) <= 1000) NOT VALID;
ALTER TABLE registration_rule
    ADD CONSTRAINT registration_rule_jurisdiction_length CHECK (char_length(jurisdiction) <= 100) NOT VALID,
    ADD CONSTRAINT registration_rule_source_length CHECK (char_length(source) <= 500) NOT VALID;
ALTER TABLE continuing_education_rule
    ADD CONSTRAINT continuing_education_rule_jurisdiction_length CHECK (char_length(jurisdiction) <= 100) NOT VALID,
    ADD CONSTRAINT continuing_education_rule_source_length CHECK (char_length(source) <= 500) NOT VALID;
ALTER TABLE exam_level_rule ADD CONSTRAINT exam_level_rule_source_length CHECK (char_length(source) <= 500) NOT VALID;
ALTER TABLE exam_eligibility_rule
    ADD CONSTRAINT exam_eligibility_rule_source_length CHECK (char_length(source) <= 500) NOT VALID;

COMMENT ON COLUMN person.name IS 'The person''s name as on the ID card; at most 100 characters.';
COMMENT ON COLUMN region.name IS 'The division''s name (GB/T 2260); at most 100 characters.';
COMMENT ON COLUMN enterprise.name IS 'The enterprise''s registered name; at most 200 characters.';
COMMENT ON COLUMN service_org.name IS 'The organization''s registered name; at most 200 characters.';
COMMENT ON COLUMN pilot_program.name IS 'The pilot program''s name; at most 200 characters.';
COMMENT ON COLUMN pilot_program.document IS 'The notice that set the program up (文号); at most 200 characters.';
COMMENT ON COLUMN training_event.title IS 'The event''s title; at most 200 characters.';
COMMENT ON COLUMN training_event.location IS 'Where the event takes place; at most 200 characters.';
COMMENT ON COLUMN social_work_post.title IS 'The post''s title; at most 200 characters.';
COMMENT ON COLUMN certificate.certificate_no IS 'The certificate''s number (管理号) as printed; at most 100 characters.';
COMMENT ON COLUMN funding.contract_no IS 'The purchase contract''s number; at most 100 characters.';
COMMENT ON COLUMN pilot_application.plan IS 'The applicant''s pilot plan (试点方案); at most 20000 characters.';
COMMENT ON COLUMN pilot_application_event.note IS 'A note on the state change; at most 2000 characters.';
COMMENT ON COLUMN pilot_application_event.actor IS 'The database role that made the change; at most 100 characters.';
COMMENT ON COLUMN audit_log.actor IS 'The database role and OS user esw ran as; at most 100 characters.';
COMMENT ON COLUMN audit_log.action IS 'What was done ("staff import"); at most 100 characters.';
COMMENT ON COLUMN audit_log.subject IS 'What it was done to (a file name, a code, an id); at most 1000 characters.';
COMMENT ON COLUMN registration_rule.jurisdiction IS 'Where the rule applies (national); at most 100 characters.';
COMMENT ON COLUMN registration_rule.source IS 'The document the rule comes from; at most 500 characters.';
COMMENT ON COLUMN continuing_education_rule.jurisdiction IS
    'Where the rule applies (national); at most 100 characters.';
COMMENT ON COLUMN continuing_education_rule.source IS 'The document the rule comes from; at most 500 characters.';
COMMENT ON COLUMN exam_level_rule.source IS 'The document the rule comes from; at most 500 characters.';
COMMENT ON COLUMN exam_eligibility_rule.source IS 'The document the rule comes from; at most 500 characters.';

-- 2. Dates that can be true ---------------------------------------------------------------------
--
-- No record here is older than the People's Republic (1949-10-01). Certificates come from the
-- national exam, first held in 2008 (domain.md §1.1, [S38b]). Bounds that need another row (the
-- birth date in the person's ID number) or the day (today + 1 year) are triggers below.

ALTER TABLE employment ADD CONSTRAINT employment_dates_from_1949
    CHECK (hired_on >= DATE '1949-10-01' AND left_on >= DATE '1949-10-01') NOT VALID;
ALTER TABLE certificate ADD CONSTRAINT certificate_issued_from_2008 CHECK (issued_on >= DATE '2008-01-01') NOT VALID;
ALTER TABLE certificate_registration ADD CONSTRAINT certificate_registration_from_2008
    CHECK (registered_on >= DATE '2008-01-01') NOT VALID;
ALTER TABLE person ADD CONSTRAINT person_social_work_since_from_1949
    CHECK (social_work_since >= DATE '1949-10-01') NOT VALID;
ALTER TABLE training_event ADD CONSTRAINT training_event_starts_from_1949
    CHECK (starts_at >= TIMESTAMP '1949-10-01 00:00') NOT VALID;
ALTER TABLE service_org ADD CONSTRAINT service_org_founded_from_1949 CHECK (founded_on >= DATE '1949-10-01') NOT VALID;
ALTER TABLE pilot_program ADD CONSTRAINT pilot_program_apply_by_from_1949
    CHECK (apply_by >= DATE '1949-10-01') NOT VALID;
ALTER TABLE pilot_application ADD CONSTRAINT pilot_application_submitted_from_1949
    CHECK (submitted_on >= DATE '1949-10-01') NOT VALID;
ALTER TABLE pilot_application_event ADD CONSTRAINT pilot_application_event_on_from_1949
    CHECK (on_date >= DATE '1949-10-01') NOT VALID;
ALTER TABLE social_work_post ADD CONSTRAINT social_work_post_created_from_1949
    CHECK (created_on >= DATE '1949-10-01') NOT VALID;
ALTER TABLE service_record ADD CONSTRAINT service_record_served_from_1949
    CHECK (served_on >= DATE '1949-10-01') NOT VALID;
ALTER TABLE funding ADD CONSTRAINT funding_received_from_1949 CHECK (received_on >= DATE '1949-10-01') NOT VALID;

-- The bounds that read the person's birth date. Statement-level triggers with the new rows as a
-- table: one join per statement, so that a million-row import pays one set-based check rather
-- than a million row-by-row lookups. The messages name the column and the rule, never a value.
CREATE FUNCTION employment_not_before_birth() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad_column text;
BEGIN
    SELECT CASE WHEN n.hired_on < p.birth_date THEN 'hired_on' ELSE 'left_on' END INTO bad_column
    FROM new_rows n JOIN person p ON p.id = n.person_id
    WHERE n.hired_on < p.birth_date OR n.left_on < p.birth_date
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'employment.% is before the person''s birth date (from the ID number)', bad_column
            USING ERRCODE = 'check_violation', CONSTRAINT = 'employment_not_before_birth',
                  TABLE = 'employment', COLUMN = bad_column;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER employment_not_before_birth_insert AFTER INSERT ON employment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION employment_not_before_birth();
CREATE TRIGGER employment_not_before_birth_update AFTER UPDATE ON employment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION employment_not_before_birth();

CREATE FUNCTION certificate_issued_plausibly() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    problem text;
BEGIN
    SELECT CASE WHEN n.issued_on < p.birth_date + interval '18 years'
                THEN 'is before the holder''s 18th birthday (from the ID number)'
                ELSE 'is more than a year after today' END
    INTO problem
    FROM new_rows n JOIN person p ON p.id = n.person_id
    WHERE n.issued_on < p.birth_date + interval '18 years' OR n.issued_on > current_date + interval '1 year'
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'certificate.issued_on %', problem
            USING ERRCODE = 'check_violation', CONSTRAINT = 'certificate_issued_plausibly',
                  TABLE = 'certificate', COLUMN = 'issued_on';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER certificate_issued_plausibly_insert AFTER INSERT ON certificate
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION certificate_issued_plausibly();
CREATE TRIGGER certificate_issued_plausibly_update AFTER UPDATE ON certificate
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION certificate_issued_plausibly();

-- 3. Region codes from the GB/T 2260 table ------------------------------------------------------
--
-- The table holds the 31 provinces (sql/0001) and the prefecture-level divisions (sql/0008), not
-- yet the counties; until it does, a code is known when its province and its prefecture (its
-- first four digits and 00) are rows of region. Municipalities' districts fall under their
-- 市辖区 / 县 rows (110105 under 110100, 500230 under 500200). A trigger rather than a foreign key
-- on a generated prefecture column: it adds no column to, and rewrites none of, the seven tables
-- (exam_registration grows to millions of rows), its message names the column, and when the
-- county list is loaded only this function changes.
CREATE FUNCTION region_code_unknown(p_code text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p_code IS NULL OR region_code_problem(p_code) IS NOT NULL THEN NULL
        WHEN NOT EXISTS (SELECT 1 FROM region r WHERE r.code = left(p_code, 2) || '0000')
            THEN 'is not a GB/T 2260 division: its province is not in the code table'
        WHEN p_code NOT LIKE '__0000' AND NOT EXISTS (SELECT 1 FROM region r WHERE r.code = left(p_code, 4) || '00')
            THEN 'is not a GB/T 2260 division: no prefecture-level division has its first four digits'
    END
$$;

CREATE FUNCTION region_code_known() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    problem text := region_code_unknown(NEW.region_code);
BEGIN
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '%.region_code %', TG_TABLE_NAME, problem
            USING ERRCODE = 'check_violation', CONSTRAINT = 'region_code_known',
                  TABLE = TG_TABLE_NAME, COLUMN = 'region_code';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER enterprise_region_code_known BEFORE INSERT OR UPDATE OF region_code ON enterprise
    FOR EACH ROW EXECUTE FUNCTION region_code_known();
CREATE TRIGGER service_org_region_code_known BEFORE INSERT OR UPDATE OF region_code ON service_org
    FOR EACH ROW EXECUTE FUNCTION region_code_known();
CREATE TRIGGER training_event_region_code_known BEFORE INSERT OR UPDATE OF region_code ON training_event
    FOR EACH ROW EXECUTE FUNCTION region_code_known();
CREATE TRIGGER pass_line_region_code_known BEFORE INSERT OR UPDATE OF region_code ON pass_line
    FOR EACH ROW EXECUTE FUNCTION region_code_known();
CREATE TRIGGER exam_registration_region_code_known BEFORE INSERT OR UPDATE OF region_code ON exam_registration
    FOR EACH ROW EXECUTE FUNCTION region_code_known();
CREATE TRIGGER pilot_application_region_code_known BEFORE INSERT OR UPDATE OF region_code ON pilot_application
    FOR EACH ROW EXECUTE FUNCTION region_code_known();
CREATE TRIGGER funding_region_code_known BEFORE INSERT OR UPDATE OF region_code ON funding
    FOR EACH ROW EXECUTE FUNCTION region_code_known();

-- 4. Exam scores: at most one decimal place -----------------------------------------------------
--
-- Objective questions give half marks (0.5 a correct option of a multiple choice), and scores are
-- published as 59.5 and the like; one decimal holds every score the exam gives. numeric(5,2)
-- rounded 59.999 to 60.00 on the way in, a pass. So would numeric(4,1) (59.95 becomes 60.0):
-- a typmod rounds before any CHECK sees the value. The column becomes plain numeric, and the
-- CHECK refuses what has more than one decimal instead of rounding it. The three views over the
-- column are dropped and made again as they were (sql/0004, sql/0010).
DROP VIEW exam_cohort;
DROP VIEW exam_level_pass;
DROP VIEW exam_subject_result;

ALTER TABLE exam_score ALTER COLUMN score TYPE numeric;
ALTER TABLE exam_score ADD CONSTRAINT exam_score_one_decimal CHECK (score = round(score, 1)) NOT VALID;
COMMENT ON COLUMN exam_score.score IS
    'The score out of 100, with at most one decimal (59.5); more decimals are refused, never rounded.';

-- The view shows scores as before, with two decimals (70.00): exact, as a score has at most one.
CREATE VIEW exam_subject_result AS
SELECT r.person_id, s.id AS session_id, s.level, s.year, sc.subject, sc.score::numeric(5, 2) AS score,
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

COMMENT ON VIEW exam_subject_result IS
    'Each exam score against its session''s lines: passed nationally, or passed on a local line covering the '
    'candidate''s region (local only).';
COMMENT ON VIEW exam_level_pass IS
    'Who passed which level in which exam year: every subject passed within the level''s window (local lines '
    'included); scope national or local. The first such year per person and level.';
COMMENT ON VIEW exam_cohort IS
    'Each exam registration in its session''s year: departments, sat, passed the level in that year, and for '
    'those who passed the first certificate day (level or higher, on or after the exam): the exam funnel''s rows.';

-- 5. Rows stored before this migration that break its rules -------------------------------------

-- How many stored rows break each rule of this migration: the CHECKs that stay NOT VALID because
-- of them, and the trigger rules (birth dates, region codes), which PostgreSQL never checks for
-- rows already there. No row on a database that esw has guarded from the start. esw db migrate
-- reports them.
CREATE FUNCTION guard_exceptions() RETURNS TABLE (table_name text, rule text, violations bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT conrelid::regclass AS relation, conname,
                    regexp_replace(pg_get_constraintdef(oid), '^CHECK \((.*)\)( NOT VALID)?$', '\1') AS expression
             FROM pg_constraint
             WHERE contype = 'c' AND conrelid <> 0 AND NOT convalidated
               AND connamespace = current_schema()::regnamespace
             ORDER BY 1, 2 LOOP
        table_name := c.relation::text;
        rule := c.conname::text;
        EXECUTE format('SELECT count(*) FROM %s WHERE NOT coalesce(%s, true)', c.relation, c.expression)
            INTO violations;
        IF violations > 0 THEN RETURN NEXT; END IF;
    END LOOP;
    -- Every table whose rows the region trigger checks, found by the trigger.
    FOR c IN SELECT DISTINCT tgrelid::regclass AS relation FROM pg_trigger
             WHERE tgfoid = 'region_code_known'::regproc ORDER BY 1 LOOP
        table_name := c.relation::text;
        rule := 'region_code_known';
        EXECUTE format('SELECT count(*) FROM %s WHERE region_code_unknown(region_code) IS NOT NULL', c.relation)
            INTO violations;
        IF violations > 0 THEN RETURN NEXT; END IF;
    END LOOP;
    RETURN QUERY
    SELECT x.table_name, x.rule, x.violations FROM (
        SELECT 'employment', 'employment_not_before_birth', count(*)
        FROM employment em JOIN person p ON p.id = em.person_id
        WHERE em.hired_on < p.birth_date OR em.left_on < p.birth_date
        UNION ALL
        SELECT 'certificate', 'certificate_issued_plausibly', count(*)
        FROM certificate ce JOIN person p ON p.id = ce.person_id
        WHERE ce.issued_on < p.birth_date + interval '18 years'
    ) x (table_name, rule, violations)
    WHERE x.violations > 0;
END
$$;

-- Validate every CHECK of this migration that no stored row breaks; the others stay NOT VALID
-- (still enforced on every new and changed row) and show in guard_exceptions().
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT conrelid::regclass AS table_name, conname FROM pg_constraint
             WHERE contype = 'c' AND conrelid <> 0 AND NOT convalidated
               AND connamespace = current_schema()::regnamespace LOOP
        BEGIN
            EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', c.table_name, c.conname);
        EXCEPTION WHEN check_violation THEN
            NULL;
        END;
    END LOOP;
END
$$;

COMMENT ON FUNCTION employment_not_before_birth() IS
    'Trigger: an employment is neither hired nor left before the person''s birth date (from the ID number).';
COMMENT ON FUNCTION certificate_issued_plausibly() IS
    'Trigger: a certificate is issued on or after the holder''s 18th birthday and at most a year after today.';
COMMENT ON FUNCTION region_code_unknown(text) IS
    'NULL for a region code whose province and prefecture are rows of region (and for one region_code_problem '
    'refuses), otherwise why it is no GB/T 2260 division.';
COMMENT ON FUNCTION region_code_known() IS
    'Trigger: the row''s region_code names a known division (region_code_unknown).';
COMMENT ON FUNCTION guard_exceptions() IS
    'How many rows stored before sql/0013 break each of its rules (by table and rule); none on a guarded database.';
