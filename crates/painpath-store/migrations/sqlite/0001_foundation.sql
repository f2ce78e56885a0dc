-- painpath's first tables, for SQLite. Migrations only move forward: never edit this file once
-- released; add 0002_… instead. Column types stay portable (design.md 7): TEXT for civil dates
-- (`2026-11-24`) and clock times (`07:30`), INTEGER Unix milliseconds for instants, and no
-- vendor types, so that the PostgreSQL twin in ../postgres/ reads almost the same.
--
-- AUTOINCREMENT is used on purpose: it stops SQLite reusing the id of a deleted row, so an audit
-- entry can never come to name a different person or day than the one it was written about.

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'clinician', 'patient')),
    password_hash TEXT    NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX accounts_username ON accounts (username);

CREATE TABLE patient_details (
    patient_id          INTEGER PRIMARY KEY REFERENCES accounts (id),
    date_of_birth       TEXT,
    nation              TEXT NOT NULL
        CHECK (nation IN ('england', 'scotland', 'wales', 'northern_ireland')),
    health_number       TEXT,
    gp_practice_name    TEXT,
    gp_practice_address TEXT,
    updated_at          INTEGER NOT NULL
);

CREATE TABLE preferences (
    user_id    INTEGER PRIMARY KEY REFERENCES accounts (id),
    low_glare  INTEGER NOT NULL CHECK (low_glare IN (0, 1)),
    large_text INTEGER NOT NULL CHECK (large_text IN (0, 1))
);

-- Only the SHA-256 of a link's token is kept, so a copy of the database cannot be used to sign up.
-- `subject_id` is the inviting clinician or the account whose password is reset.
CREATE TABLE one_time_links (
    token_hash TEXT    PRIMARY KEY,
    purpose    TEXT    NOT NULL
        CHECK (purpose IN ('first_admin', 'patient_invitation', 'password_reset')),
    subject_id INTEGER REFERENCES accounts (id),
    created_by INTEGER REFERENCES accounts (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    CHECK ((purpose = 'first_admin') = (subject_id IS NULL))
);

CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES accounts (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    idle_seconds INTEGER NOT NULL CHECK (idle_seconds > 0),
    last_seen_at INTEGER NOT NULL,
    csrf_token   TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One row per failed attempt against a key (`account:NAME`, `address:IP`), counted over a window.
CREATE TABLE sign_in_failures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_key TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_key_at ON sign_in_failures (attempt_key, at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES accounts (id),
    token_hash   TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER
);
CREATE UNIQUE INDEX api_tokens_token_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- design.md 3. Revoked links stay, so the patient can see who had access and when.
CREATE TABLE care_links (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id   INTEGER NOT NULL REFERENCES accounts (id),
    clinician_id INTEGER NOT NULL REFERENCES accounts (id),
    granted_by   INTEGER NOT NULL REFERENCES accounts (id),
    granted_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
-- At most one live link per pair; the partial index also answers "is there a live link?".
CREATE UNIQUE INDEX care_links_live_pair ON care_links (patient_id, clinician_id)
    WHERE revoked_at IS NULL;
CREATE INDEX care_links_clinician ON care_links (clinician_id, revoked_at);

-- design.md 8 and 9: a period is of a treatment code or a medication class, never both.
CREATE TABLE treatment_periods (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id       INTEGER NOT NULL REFERENCES accounts (id),
    treatment_code   TEXT,
    medication_class TEXT,
    name             TEXT    NOT NULL,
    start_date       TEXT    NOT NULL,
    end_date         TEXT,
    outcome          TEXT    CHECK (outcome IN ('helped', 'no_benefit', 'not_tolerated')),
    recorded_by      INTEGER NOT NULL REFERENCES accounts (id),
    source           TEXT    NOT NULL CHECK (source IN ('self', 'clinician', 'course')),
    created_at       INTEGER NOT NULL,
    CHECK ((treatment_code IS NULL) <> (medication_class IS NULL)),
    CHECK (end_date IS NULL OR end_date >= start_date),
    CHECK (outcome IS NULL OR end_date IS NOT NULL)
);
CREATE INDEX treatment_periods_patient ON treatment_periods (patient_id);

-- One check-in per patient per day. Every rating may be missing: a gap is not a zero.
CREATE TABLE check_ins (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id       INTEGER NOT NULL REFERENCES accounts (id),
    day              TEXT    NOT NULL,
    pain             INTEGER CHECK (pain BETWEEN 0 AND 10),
    fatigue          INTEGER CHECK (fatigue BETWEEN 0 AND 10),
    fog              INTEGER CHECK (fog BETWEEN 0 AND 10),
    sleep_quality    INTEGER CHECK (sleep_quality BETWEEN 0 AND 10),
    sleep_tenths     INTEGER CHECK (sleep_tenths BETWEEN 0 AND 240),
    bed_time         TEXT,
    wake_time        TEXT,
    mood             INTEGER CHECK (mood BETWEEN 0 AND 10),
    stress           INTEGER CHECK (stress BETWEEN 0 AND 10),
    sensitivity      INTEGER CHECK (sensitivity BETWEEN 0 AND 10),
    activity_minutes INTEGER CHECK (activity_minutes BETWEEN 0 AND 1440),
    flare            INTEGER CHECK (flare IN (0, 1)),
    note             TEXT,
    saved_at         INTEGER NOT NULL
);
-- The diary's hot query: one patient's days over a date range.
CREATE UNIQUE INDEX check_ins_patient_day ON check_ins (patient_id, day);

CREATE TABLE check_in_regions (
    check_in_id INTEGER NOT NULL REFERENCES check_ins (id) ON DELETE CASCADE,
    region      TEXT    NOT NULL,
    PRIMARY KEY (check_in_id, region)
);

CREATE TABLE check_in_sensitivities (
    check_in_id INTEGER NOT NULL REFERENCES check_ins (id) ON DELETE CASCADE,
    sensitivity TEXT    NOT NULL,
    PRIMARY KEY (check_in_id, sensitivity)
);

CREATE TABLE check_in_factors (
    check_in_id INTEGER NOT NULL REFERENCES check_ins (id) ON DELETE CASCADE,
    factor      TEXT    NOT NULL,
    PRIMARY KEY (check_in_id, factor)
);

-- "Done today" ticks against the person's own periods; `position` keeps the order they were given.
CREATE TABLE check_in_done (
    check_in_id INTEGER NOT NULL REFERENCES check_ins (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    period_id   INTEGER NOT NULL REFERENCES treatment_periods (id),
    amount      TEXT,
    PRIMARY KEY (check_in_id, period_id)
);
CREATE INDEX check_in_done_period ON check_in_done (period_id);

-- design.md 5: who did what, when, to whose record. The actor's role is kept as it was then.
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL REFERENCES accounts (id),
    actor_role TEXT    NOT NULL CHECK (actor_role IN ('admin', 'clinician', 'patient')),
    action     TEXT    NOT NULL,
    subject_id INTEGER REFERENCES accounts (id)
);
CREATE INDEX audit_actor_role ON audit (actor_role, id);

CREATE TABLE audit_patients (
    audit_id   INTEGER NOT NULL REFERENCES audit (id),
    patient_id INTEGER NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (audit_id, patient_id)
);
CREATE INDEX audit_patients_patient ON audit_patients (patient_id, audit_id);
