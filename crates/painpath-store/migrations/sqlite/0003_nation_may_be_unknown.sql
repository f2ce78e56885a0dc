-- A patient's nation may be unknown (for example, details saved by a clinician before the patient
-- has said where they live). Unknown must never be stored as England: the help pages show every
-- nation's services when it is unknown. SQLite cannot drop NOT NULL in place, so the table is
-- rebuilt with the same columns and rows.
CREATE TABLE patient_details_new (
    patient_id          INTEGER PRIMARY KEY REFERENCES accounts (id),
    date_of_birth       TEXT,
    nation              TEXT
        CHECK (nation IS NULL OR nation IN ('england', 'scotland', 'wales', 'northern_ireland')),
    health_number       TEXT,
    gp_practice_name    TEXT,
    gp_practice_address TEXT,
    updated_at          INTEGER NOT NULL
);
INSERT INTO patient_details_new
    (patient_id, date_of_birth, nation, health_number, gp_practice_name, gp_practice_address, updated_at)
    SELECT patient_id, date_of_birth, nation, health_number, gp_practice_name, gp_practice_address, updated_at
    FROM patient_details;
DROP TABLE patient_details;
ALTER TABLE patient_details_new RENAME TO patient_details;
