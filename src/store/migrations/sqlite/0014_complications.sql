-- Complications and adverse events (issue 12; docs/pathway.md, "Complications and adverse
-- events"), replacing the procedure form's free-text field (whose values stay in the procedure
-- documents). One row per event of an episode, its answers as one JSON document
-- (app/complications.h documents its keys); the type, date and whether a device was involved are
-- kept beside it for the audit reports and the device safety officer's list. Corrections replace
-- the document and raise the version; the access and change log keeps every earlier value.
CREATE TABLE complications (
  id INTEGER PRIMARY KEY,
  episode_id INTEGER NOT NULL REFERENCES episodes (id),
  kind TEXT NOT NULL,
  event_date TEXT NOT NULL,
  device_involved INTEGER NOT NULL CHECK (device_involved IN (0, 1)),
  data TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version > 0),
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_by INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX complications_episode ON complications (episode_id, event_date);
CREATE INDEX complications_device ON complications (device_involved, event_date);
