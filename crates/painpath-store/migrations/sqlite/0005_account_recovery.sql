-- Staff cannot become the patient (issue 6), for SQLite; the PostgreSQL twin is
-- ../postgres/0005_account_recovery.sql.

-- Why a clinician made a patient's password-reset link: shown to the patient, who sees every
-- staff-issued reset at their next sign-in and in their record's access history.
ALTER TABLE one_time_links ADD COLUMN reason TEXT;

-- A patient's own recovery codes, issued when the account is made and shown once, so that a
-- forgotten password rarely needs anyone at the clinic. Only the SHA-256 of each code is kept
-- (each code carries 80 random bits, so a copy of the database does not reveal them); a used code
-- keeps its row, marked, so the same code never works twice.
CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES accounts (id),
    code_hash  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE UNIQUE INDEX recovery_codes_hash ON recovery_codes (code_hash);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id, used_at);
