-- Follow-up visits (issue 12; docs/follow-up.md): one record per episode and time point of the
-- unit's schedule ("1 month"), with the visit's date, who gave the answers (a clinician at a
-- visit or by phone, or the patient themselves) and the answers as one JSON document
-- (app/follow_up_visits.h documents its keys). Corrections replace the document and raise the
-- version; the access and change log keeps every earlier value.
CREATE TABLE follow_up_visits (
  episode_id INTEGER NOT NULL REFERENCES episodes (id),
  time_point TEXT NOT NULL,
  visit_date TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('clinician', 'patient')),
  data TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version > 0),
  updated_by INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (episode_id, time_point)
);
