-- Questionnaires (PHQ-9, GAD-7, FIQR, the ACR 2016 survey), their drafts, and the alerts they
-- raise for the care team (design.md 11), for PostgreSQL. Forward only, like 0001; its column
-- types stay portable in the same way (BIGINT for every whole number, so that both backends
-- decode to i64), and the SQLite twin is ../sqlite/0002_questionnaires.sql.

-- A completed questionnaire. `day` is the civil date it was completed (Europe/London);
-- `recorded_by` is the patient, or the clinician who administered it in clinic.
CREATE TABLE questionnaire_responses (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id   BIGINT NOT NULL REFERENCES accounts (id),
    instrument   TEXT    NOT NULL CHECK (instrument IN ('acr2016', 'phq9', 'gad7', 'fiqr')),
    day          TEXT    NOT NULL,
    completed_at BIGINT NOT NULL,
    recorded_by  BIGINT NOT NULL REFERENCES accounts (id)
);
-- Lists and charts: one patient's responses, of one instrument or all, in date order.
CREATE INDEX questionnaire_responses_patient
    ON questionnaire_responses (patient_id, instrument, day);

-- One answer per row, in the order given: a number, or a body area's code for each area ticked
-- on the ACR pain map, never both; with the item's and the answer's LOINC codes where LOINC has
-- them. Answers are never changed: a new questionnaire is a new response.
CREATE TABLE questionnaire_answers (
    response_id  BIGINT NOT NULL REFERENCES questionnaire_responses (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    item         TEXT    NOT NULL,
    value        BIGINT,
    code         TEXT,
    loinc        TEXT,
    answer_loinc TEXT,
    PRIMARY KEY (response_id, position),
    CHECK ((value IS NULL) <> (code IS NULL))
);

-- A half-finished questionnaire, the patient's own: the web form's fields as opaque text. At most
-- one per patient and instrument; completing the questionnaire deletes it.
CREATE TABLE questionnaire_drafts (
    patient_id BIGINT NOT NULL REFERENCES accounts (id),
    instrument TEXT    NOT NULL CHECK (instrument IN ('acr2016', 'phq9', 'gad7', 'fiqr')),
    fields     TEXT    NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (patient_id, instrument)
);

-- An alert for the care team (PHQ-9 item 9 above 0). It stays open until a clinician
-- acknowledges it; who and when are kept together or not at all. `response_id` is the completed
-- questionnaire that raised it; a draft can raise it before there is one.
CREATE TABLE alerts (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id      BIGINT NOT NULL REFERENCES accounts (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('self_harm')),
    raised_at       BIGINT NOT NULL,
    response_id     BIGINT REFERENCES questionnaire_responses (id),
    acknowledged_by BIGINT REFERENCES accounts (id),
    acknowledged_at BIGINT,
    CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL))
);
-- At most one open alert per patient and kind: a second signal while one is open adds nothing
-- for the care team to do. The partial index also answers "which alerts are open?".
CREATE UNIQUE INDEX alerts_open ON alerts (patient_id, kind) WHERE acknowledged_at IS NULL;
CREATE INDEX alerts_patient ON alerts (patient_id, raised_at);
