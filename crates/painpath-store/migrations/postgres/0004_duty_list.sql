-- The clinic's duty list and what an alert carries (issue 6), for PostgreSQL. Forward only; the
-- SQLite twin is ../sqlite/0004_duty_list.sql.

-- What a clinician needs to act on a self-harm alert: PHQ-9 item 9's worst and latest answer and
-- when each was given (a later, worse answer updates the open alert), and the note of what was
-- done when it was acknowledged. Alerts raised before this migration take their values from the
-- completed PHQ-9 that raised them, where there is one.
ALTER TABLE alerts ADD COLUMN item9_latest BIGINT CHECK (item9_latest BETWEEN 0 AND 3);
ALTER TABLE alerts ADD COLUMN item9_latest_at BIGINT;
ALTER TABLE alerts ADD COLUMN item9_worst BIGINT CHECK (item9_worst BETWEEN 0 AND 3);
ALTER TABLE alerts ADD COLUMN item9_worst_at BIGINT;
ALTER TABLE alerts ADD COLUMN acknowledgement_note TEXT;

UPDATE alerts SET
    item9_latest = (SELECT x.value FROM questionnaire_answers x
                    WHERE x.response_id = alerts.response_id AND x.item = 'phq9_9'),
    item9_worst = (SELECT x.value FROM questionnaire_answers x
                   WHERE x.response_id = alerts.response_id AND x.item = 'phq9_9')
    WHERE response_id IS NOT NULL;
UPDATE alerts SET item9_latest_at = raised_at, item9_worst_at = raised_at
    WHERE item9_latest IS NOT NULL;

-- The PHQ-9 answers given so far when the alert was last updated, one row per item, in order
-- (also when the alert was raised from a half-finished questionnaire).
CREATE TABLE alert_answers (
    alert_id BIGINT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    position BIGINT  NOT NULL,
    item     TEXT    NOT NULL,
    value    BIGINT  NOT NULL,
    PRIMARY KEY (alert_id, position)
);
INSERT INTO alert_answers (alert_id, position, item, value)
    SELECT al.id, x.position, x.item, x.value
    FROM alerts al JOIN questionnaire_answers x ON x.response_id = al.response_id
    WHERE x.value IS NOT NULL;

-- When an alert went to the duty list, and why: its patient had no active clinician, or nobody
-- acknowledged it in time. Each reason is recorded once per alert.
CREATE TABLE alert_escalations (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id BIGINT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    at       BIGINT  NOT NULL,
    reason   TEXT    NOT NULL CHECK (reason IN ('no_active_clinician', 'overdue')),
    UNIQUE (alert_id, reason)
);

-- The clinic's own settings: one row. An open alert nobody has acknowledged goes to the duty list
-- after this many working days.
CREATE TABLE clinic_settings (
    id                           BIGINT PRIMARY KEY CHECK (id = 1),
    alert_escalation_working_days BIGINT NOT NULL DEFAULT 1
        CHECK (alert_escalation_working_days BETWEEN 1 AND 10),
    updated_at                   BIGINT
);
INSERT INTO clinic_settings (id) VALUES (1);

-- How the clinic can reach the patient, and whom to contact in an emergency.
ALTER TABLE patient_details ADD COLUMN contact_phone TEXT;
ALTER TABLE patient_details ADD COLUMN emergency_contact_name TEXT;
ALTER TABLE patient_details ADD COLUMN emergency_contact_phone TEXT;
