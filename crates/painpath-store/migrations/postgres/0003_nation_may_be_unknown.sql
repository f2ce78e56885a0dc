-- A patient's nation may be unknown (for example, details saved by a clinician before the patient
-- has said where they live). Unknown must never be stored as England: the help pages show every
-- nation's services when it is unknown. The CHECK on the column still holds for every known value.
ALTER TABLE patient_details ALTER COLUMN nation DROP NOT NULL;
