-- Patient questionnaires by one-time link (issue 12; docs/pathway.md, "Questionnaires by
-- link"): a follow-up sent to the patient as a letter with a short link and a QR code, or as a
-- link to text. Only the SHA-256 of the link's random token is kept, so the database cannot give
-- out a working link; the link works once, until it expires, for its own episode and time point.
-- route is how it went to the patient: 'letter' or 'text'. used_at and cancelled_at are '' while
-- the link is open; a new link for the same time point (a reminder) cancels the earlier one, and
-- a time point whose latest link is cancelled gets no more reminders.
CREATE TABLE follow_up_links (
  id INTEGER PRIMARY KEY,
  episode_id INTEGER NOT NULL REFERENCES episodes (id),
  time_point TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  route TEXT NOT NULL,
  issued_by INTEGER NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT NOT NULL,
  cancelled_at TEXT NOT NULL
);
CREATE INDEX follow_up_links_episode ON follow_up_links (episode_id, time_point);
