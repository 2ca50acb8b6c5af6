-- Core model: regions, enterprises, persons, employments, certificates, and the audit trail.
-- The national code validators live here too, as IMMUTABLE functions behind domain types, so that
-- no client, buggy or hand-typed in psql, can store an invalid code. Each returns NULL for a valid
-- value and otherwise the reason, worded like the Swift validators in Workforce/Codes.

-- The 31 mainland province-level divisions of GB/T 2260, by two-digit prefix.
CREATE FUNCTION province_prefixes() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['11','12','13','14','15','21','22','23','31','32','33','34','35','36','37',
                 '41','42','43','44','45','46','50','51','52','53','54','61','62','63','64','65']
$$;

CREATE FUNCTION region_code_problem(code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN code IS NULL THEN NULL
        WHEN code !~ '^[0-9]{6}$' THEN 'region code must be 6 digits, found ' || quote_literal(code)
        WHEN NOT (left(code, 2) = ANY (province_prefixes()))
            THEN 'province code ' || quote_literal(left(code, 2)) || ' is not one of the 31 province-level divisions'
    END
$$;

-- GB 11643-1999 resident identity number: 17 digits and an ISO 7064 MOD 11-2 check character.
-- Residence permits of Hong Kong, Macao and Taiwan residents (81, 82, 83) are accepted too.
-- Whether the birth date lies in the future depends on the day, so person checks that separately.
-- Plain SQL expressions rather than a loop, and only immutable functions (so || rather than
-- format()): the planner then inlines them into the domain check, which a million-row import
-- evaluates a million times, about ten times faster than a call.
CREATE FUNCTION id_number_check_character(id text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT substr('10X98765432', (
        substr(id, 1, 1)::int * 7 + substr(id, 2, 1)::int * 9 + substr(id, 3, 1)::int * 10 + substr(id, 4, 1)::int * 5 +
        substr(id, 5, 1)::int * 8 + substr(id, 6, 1)::int * 4 + substr(id, 7, 1)::int * 2 + substr(id, 8, 1)::int * 1 +
        substr(id, 9, 1)::int * 6 + substr(id, 10, 1)::int * 3 + substr(id, 11, 1)::int * 7 + substr(id, 12, 1)::int * 9 +
        substr(id, 13, 1)::int * 10 + substr(id, 14, 1)::int * 5 + substr(id, 15, 1)::int * 8 + substr(id, 16, 1)::int * 4 +
        substr(id, 17, 1)::int * 2
    ) % 11 + 1, 1)
$$;

-- CASE tries its branches in order, so each test may rely on the ones before it.
CREATE FUNCTION id_number_problem(id text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN id IS NULL THEN NULL
        WHEN length(id) <> 18 THEN 'must be 18 characters, found ' || length(id)::text
        WHEN left(id, 17) !~ '^[0-9]{17}$' THEN 'characters 1-17 must be digits'
        WHEN right(id, 1) !~ '^[0-9X]$'
            THEN 'check character must be a digit or upper-case X, found ' || quote_literal(right(id, 1))
        WHEN NOT (left(id, 2) = ANY (province_prefixes() || ARRAY['81', '82', '83']))
            THEN 'address code ' || left(id, 6) || ' does not start with a known province-level prefix'
        WHEN substr(id, 7, 4)::int < 1800 OR substr(id, 11, 2)::int NOT BETWEEN 1 AND 12
            OR substr(id, 13, 2)::int < 1
            THEN 'birth date ' || substr(id, 7, 8) || ' is not a real date'
        WHEN substr(id, 13, 2)::int > CASE
                WHEN substr(id, 11, 2) IN ('04', '06', '09', '11') THEN 30
                WHEN substr(id, 11, 2) <> '02' THEN 31
                WHEN substr(id, 7, 4)::int % 4 = 0
                     AND (substr(id, 7, 4)::int % 100 <> 0 OR substr(id, 7, 4)::int % 400 = 0) THEN 29
                ELSE 28 END
            THEN 'birth date ' || substr(id, 7, 8) || ' is not a real date'
        WHEN right(id, 1) <> id_number_check_character(id)
            THEN 'check character should be ' || id_number_check_character(id) || ', found ' || right(id, 1)
    END
$$;

CREATE FUNCTION id_number_birth_date(id text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT make_date(substr(id, 7, 4)::int, substr(id, 11, 2)::int, substr(id, 13, 2)::int)
$$;

-- GB 32100-2015 unified social credit code: 18 characters of a 31-character set, a digit-only
-- registration region, an embedded GB 11714 organization code with its own check, and a final
-- weighted MOD 31 check character.
CREATE FUNCTION uscc_problem(code text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    charset constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
    org_charset constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    org_weights constant int[] := ARRAY[3,7,9,10,5,8,4,2];
    total int := 0;
    weight int := 1;
    position_value int;
    org_check int;
    org_expected text;
    expected text;
BEGIN
    IF code IS NULL THEN RETURN NULL; END IF;
    IF length(code) <> 18 THEN
        RETURN format('must be 18 characters, found %s', length(code));
    END IF;
    FOR i IN 1..18 LOOP
        IF strpos(charset, substr(code, i, 1)) = 0 THEN
            RETURN format('character %s (%s) is not in the USCC character set (digits and upper-case letters except I, O, Z, S, V)',
                          i, quote_literal(substr(code, i, 1)));
        END IF;
    END LOOP;
    IF substr(code, 3, 6) !~ '^[0-9]{6}$' THEN
        RETURN format('characters 3-8 (registration region code) must be digits, found %s', quote_literal(substr(code, 3, 6)));
    END IF;
    FOR i IN 1..8 LOOP
        total := total + (strpos(org_charset, substr(code, 8 + i, 1)) - 1) * org_weights[i];
    END LOOP;
    org_check := 11 - total % 11;
    org_expected := CASE org_check WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE org_check::text END;
    IF substr(code, 17, 1) <> org_expected THEN
        RETURN format('organization code check character (position 17) should be %s, found %s', org_expected, substr(code, 17, 1));
    END IF;
    total := 0;
    FOR i IN 1..17 LOOP
        position_value := strpos(charset, substr(code, i, 1)) - 1;
        total := total + position_value * weight;
        weight := weight * 3 % 31;
    END LOOP;
    expected := substr(charset, (31 - total % 31) % 31 + 1, 1);
    IF right(code, 1) <> expected THEN
        RETURN format('check character should be %s, found %s', expected, right(code, 1));
    END IF;
    RETURN NULL;
END
$$;

-- The codes are ASCII: the C collation sorts and compares them byte by byte, which is both right
-- and several times faster than a linguistic collation.
CREATE DOMAIN region_code AS text COLLATE "C"
    CONSTRAINT region_code_valid CHECK (region_code_problem(VALUE) IS NULL);
CREATE DOMAIN resident_id_number AS text COLLATE "C"
    CONSTRAINT resident_id_number_valid CHECK (id_number_problem(VALUE) IS NULL);
CREATE DOMAIN uscc AS text COLLATE "C"
    CONSTRAINT uscc_valid CHECK (uscc_problem(VALUE) IS NULL);

CREATE TYPE region_level AS ENUM ('province', 'city', 'county');

-- The six kinds of department whose staff do enterprise social work (民函〔2013〕132号).
CREATE TYPE department_kind AS ENUM (
    'party', 'union', 'youth_league', 'womens_federation', 'human_resources', 'social_org');

-- Declared in rank order, so max(level) is the highest level held.
CREATE TYPE certificate_level AS ENUM ('junior', 'intermediate', 'senior');

CREATE TABLE region (
    code region_code PRIMARY KEY,
    name text NOT NULL CHECK (btrim(name) <> ''),
    level region_level NOT NULL,
    parent_code region_code REFERENCES region (code),
    CHECK ((level = 'province') = (code LIKE '__0000')),
    CHECK ((level = 'province') = (parent_code IS NULL))
);

INSERT INTO region (code, name, level) VALUES
    ('110000', '北京市', 'province'), ('120000', '天津市', 'province'), ('130000', '河北省', 'province'),
    ('140000', '山西省', 'province'), ('150000', '内蒙古自治区', 'province'), ('210000', '辽宁省', 'province'),
    ('220000', '吉林省', 'province'), ('230000', '黑龙江省', 'province'), ('310000', '上海市', 'province'),
    ('320000', '江苏省', 'province'), ('330000', '浙江省', 'province'), ('340000', '安徽省', 'province'),
    ('350000', '福建省', 'province'), ('360000', '江西省', 'province'), ('370000', '山东省', 'province'),
    ('410000', '河南省', 'province'), ('420000', '湖北省', 'province'), ('430000', '湖南省', 'province'),
    ('440000', '广东省', 'province'), ('450000', '广西壮族自治区', 'province'), ('460000', '海南省', 'province'),
    ('500000', '重庆市', 'province'), ('510000', '四川省', 'province'), ('520000', '贵州省', 'province'),
    ('530000', '云南省', 'province'), ('540000', '西藏自治区', 'province'), ('610000', '陕西省', 'province'),
    ('620000', '甘肃省', 'province'), ('630000', '青海省', 'province'), ('640000', '宁夏回族自治区', 'province'),
    ('650000', '新疆维吾尔自治区', 'province');

CREATE TABLE enterprise (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc uscc NOT NULL CONSTRAINT enterprise_uscc_key UNIQUE,
    name text NOT NULL CHECK (btrim(name) <> ''),
    -- The enterprise's own division code (a county or city); its province must be a known one.
    region_code region_code NOT NULL,
    province_code region_code NOT NULL GENERATED ALWAYS AS (left(region_code, 2) || '0000') STORED
        REFERENCES region (code),
    employees integer CHECK (employees >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enterprise_region_code_idx ON enterprise (region_code text_pattern_ops);

CREATE TABLE person (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id_number resident_id_number NOT NULL CONSTRAINT person_id_number_key UNIQUE,
    name text NOT NULL CHECK (btrim(name) <> ''),
    birth_date date NOT NULL GENERATED ALWAYS AS (id_number_birth_date(id_number)) STORED,
    -- The 17th character is odd for men and even for women (GB 11643).
    gender char(1) NOT NULL GENERATED ALWAYS AS (
        CASE WHEN substr(id_number, 17, 1)::int % 2 = 1 THEN 'M' ELSE 'F' END) STORED,
    recorded_on date NOT NULL DEFAULT current_date,
    CONSTRAINT person_birth_date_not_in_future CHECK (birth_date <= recorded_on)
);

CREATE TABLE employment (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES person (id),
    enterprise_id bigint NOT NULL REFERENCES enterprise (id),
    department department_kind NOT NULL,
    hired_on date,
    left_on date,
    CONSTRAINT employment_left_after_hired CHECK (left_on > hired_on)
);
-- One open employment per person, enterprise and department.
CREATE UNIQUE INDEX employment_one_open_idx ON employment (person_id, enterprise_id, department)
    WHERE left_on IS NULL;
-- The ratio reads one enterprise's staff through this index.
CREATE INDEX employment_enterprise_idx ON employment (enterprise_id, person_id, department);
CREATE INDEX employment_person_idx ON employment (person_id);

CREATE TABLE certificate (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES person (id),
    level certificate_level NOT NULL,
    -- The 管理号 has no confirmed structure; it is kept as printed.
    certificate_no text COLLATE "C" NOT NULL CONSTRAINT certificate_no_key UNIQUE CHECK (btrim(certificate_no) <> ''),
    issued_on date NOT NULL,
    revoked_on date,
    CONSTRAINT certificate_revoked_after_issued CHECK (revoked_on > issued_on)
);
CREATE INDEX certificate_person_idx ON certificate (person_id) INCLUDE (level, issued_on, revoked_on);

-- Registration (登记) keeps a certificate active: a first registration within a year of issue,
-- valid three years, then re-registration in the months before it lapses (民发〔2009〕44号;
-- the numbers are rows of registration_rule).
CREATE TABLE certificate_registration (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_id bigint NOT NULL REFERENCES certificate (id),
    registered_on date NOT NULL,
    valid_until date NOT NULL,
    renewal boolean NOT NULL,
    CONSTRAINT certificate_registration_once UNIQUE (certificate_id, registered_on),
    CONSTRAINT certificate_registration_order CHECK (valid_until > registered_on)
);

CREATE TABLE registration_rule (
    jurisdiction text PRIMARY KEY DEFAULT 'national',
    first_within_months integer NOT NULL CHECK (first_within_months > 0),
    period_years integer NOT NULL CHECK (period_years > 0),
    renewal_window_months integer NOT NULL CHECK (renewal_window_months > 0),
    source text NOT NULL
);
INSERT INTO registration_rule (first_within_months, period_years, renewal_window_months, source)
VALUES (12, 3, 3, '社会工作者职业水平证书登记办法 (民发〔2009〕44号) 第四条');

-- Every write a user makes, attributed: who (the database role and the OS user esw ran as), when, what.
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL DEFAULT current_user,
    action text NOT NULL,
    subject text NOT NULL,
    detail jsonb NOT NULL DEFAULT '{}'
);
