-- Yellow Card reports (issue 12; docs/yellow-card.md): the device safety officer's report to the
-- regulator of an adverse incident a device was involved in, made from one complication or
-- adverse event (at most one report each, so an incident is not reported twice). The report's
-- answers are one JSON document (app/yellow_card.h documents its keys); its status (draft,
-- submitted, closed) and the regulator's reference ('' until submitted) are kept beside it.
-- Corrections replace the document and raise the version; the access and change log keeps
-- earlier values.
CREATE TABLE yellow_card_reports (
  id INTEGER PRIMARY KEY,
  complication_id INTEGER NOT NULL UNIQUE REFERENCES complications (id),
  episode_id INTEGER NOT NULL REFERENCES episodes (id),
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'closed')),
  regulator_reference TEXT NOT NULL,
  data TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version > 0),
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_by INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX yellow_card_reports_episode ON yellow_card_reports (episode_id);
