-- Pilot programs and what bureaus read about them (民函〔2013〕132号): programs with their
-- deadlines, applications by regions and units with a dated, attributed state history, and the
-- notice's five work areas beside training and certification: posts developed (岗位开发),
-- organizations fostered (机构培育), services delivered (服务开展) and money put in (资金投入).

CREATE TABLE pilot_program (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (btrim(name) <> ''),
    document text,
    apply_by date NOT NULL,
    confirm_by date NOT NULL,
    pilot_months integer NOT NULL CHECK (pilot_months > 0),
    summary_by date NOT NULL,
    CONSTRAINT pilot_program_dates CHECK (confirm_by >= apply_by AND summary_by >= confirm_by)
);

-- Social-work service organizations (民办社会工作服务机构).
CREATE TABLE service_org (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc uscc NOT NULL CONSTRAINT service_org_uscc_key UNIQUE,
    name text NOT NULL CHECK (btrim(name) <> ''),
    region_code region_code NOT NULL,
    founded_on date
);

CREATE TYPE application_status AS ENUM (
    'submitted', 'approved', 'rejected', 'in_pilot', 'summarized', 'designated_demonstration', 'closed');

-- The moves an application may make; the trigger below refuses any other, whoever writes.
CREATE TABLE application_transition (
    from_status application_status NOT NULL,
    to_status application_status NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO application_transition VALUES
    ('submitted', 'approved'), ('submitted', 'rejected'), ('approved', 'in_pilot'),
    ('in_pilot', 'summarized'), ('summarized', 'designated_demonstration'), ('summarized', 'closed'),
    ('rejected', 'closed');

-- An application by a provincial bureau on behalf of one region, enterprise or service org.
CREATE TABLE pilot_application (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    program_id bigint NOT NULL REFERENCES pilot_program (id),
    region_code region_code,
    enterprise_id bigint REFERENCES enterprise (id),
    service_org_id bigint REFERENCES service_org (id),
    status application_status NOT NULL DEFAULT 'submitted',
    submitted_on date NOT NULL,
    -- Submitted after the program's deadline, by an explicit override.
    late boolean NOT NULL DEFAULT false,
    plan text,
    CONSTRAINT pilot_application_one_applicant CHECK (num_nonnulls(region_code, enterprise_id, service_org_id) = 1),
    CONSTRAINT pilot_application_once UNIQUE NULLS NOT DISTINCT (program_id, region_code, enterprise_id, service_org_id)
);

CREATE TABLE pilot_application_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES pilot_application (id),
    from_status application_status,
    to_status application_status NOT NULL,
    on_date date NOT NULL,
    actor text NOT NULL DEFAULT current_user,
    note text
);

CREATE FUNCTION pilot_application_transition_allowed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> OLD.status AND NOT EXISTS (
            SELECT 1 FROM application_transition WHERE from_status = OLD.status AND to_status = NEW.status) THEN
        RAISE EXCEPTION 'an application cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'pilot_application_transition';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER pilot_application_transition_allowed BEFORE UPDATE OF status ON pilot_application
    FOR EACH ROW EXECUTE FUNCTION pilot_application_transition_allowed();

-- Posts developed for social work, and whether someone fills them.
CREATE TABLE social_work_post (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enterprise_id bigint NOT NULL REFERENCES enterprise (id),
    department department_kind NOT NULL,
    title text NOT NULL CHECK (btrim(title) <> ''),
    created_on date NOT NULL,
    filled_by bigint REFERENCES person (id)
);
CREATE INDEX social_work_post_enterprise_idx ON social_work_post (enterprise_id);

-- The notice's service list, plus labour relations and enterprise culture, which it also names.
CREATE TYPE service_kind AS ENUM (
    'emotional_counseling', 'psychological_comfort', 'production_adaptation', 'skill_improvement',
    'family_support', 'behavior_correction', 'support_network', 'labor_relations', 'enterprise_culture');

CREATE TABLE service_record (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enterprise_id bigint NOT NULL REFERENCES enterprise (id),
    kind service_kind NOT NULL,
    served_on date NOT NULL,
    beneficiaries integer NOT NULL CHECK (beneficiaries >= 0),
    provider_person_id bigint REFERENCES person (id),
    provider_org_id bigint REFERENCES service_org (id),
    volunteers integer CHECK (volunteers >= 0),
    hours numeric(8, 2) CHECK (hours >= 0),
    CONSTRAINT service_record_one_provider CHECK (num_nonnulls(provider_person_id, provider_org_id) <= 1)
);
CREATE INDEX service_record_enterprise_idx ON service_record (enterprise_id, served_on);

CREATE TYPE funding_source AS ENUM ('government_purchase', 'enterprise', 'other');

-- Money in, exact to the fen.
CREATE TABLE funding (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enterprise_id bigint REFERENCES enterprise (id),
    region_code region_code,
    source funding_source NOT NULL,
    amount numeric(14, 2) NOT NULL CHECK (amount > 0),
    received_on date NOT NULL,
    provider_org_id bigint REFERENCES service_org (id),
    contract_no text,
    CONSTRAINT funding_one_recipient CHECK (num_nonnulls(enterprise_id, region_code) = 1)
);
