-- vertebro schema 2 (SQLite): clinical forms, site surgery access, MDT meetings and the
-- append-only log of pathway transitions.
CREATE TABLE episode_forms (
  episode_id INTEGER NOT NULL REFERENCES episodes (id),
  kind TEXT NOT NULL CHECK (kind IN ('assessment', 'consent', 'procedure')),
  data TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_by INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (episode_id, kind)
);

CREATE TABLE site_surgery_access (
  site_id INTEGER PRIMARY KEY REFERENCES sites (id),
  access TEXT NOT NULL CHECK (access IN ('on_site', 'arrangement', 'none')),
  service TEXT NOT NULL DEFAULT '',
  review_date TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL
);

CREATE TABLE mdt_meetings (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites (id),
  meeting_date TEXT NOT NULL,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX mdt_meetings_by_site_date ON mdt_meetings (site_id, meeting_date);

CREATE TABLE mdt_attendees (
  id INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES mdt_meetings (id),
  name TEXT NOT NULL,
  professional_role TEXT NOT NULL
);
CREATE INDEX mdt_attendees_by_meeting ON mdt_attendees (meeting_id, id);

CREATE TABLE mdt_cases (
  meeting_id INTEGER NOT NULL REFERENCES mdt_meetings (id),
  episode_id INTEGER NOT NULL REFERENCES episodes (id),
  decision TEXT NOT NULL DEFAULT ''
    CHECK (decision IN ('', 'proceed', 'do_not_proceed', 'more_info')),
  rationale TEXT NOT NULL DEFAULT '',
  decided_by INTEGER NOT NULL DEFAULT 0,
  decided_at TEXT NOT NULL DEFAULT '',
  -- 0 while undecided; each recorded decision adds one, so two people recording a decision
  -- at once cannot overwrite each other unseen.
  version INTEGER NOT NULL DEFAULT 0,
  added_at TEXT NOT NULL,
  -- Order on the meeting's list (1, 2, ...): added_at has only whole seconds.
  list_position INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (meeting_id, episode_id)
);
CREATE INDEX mdt_cases_by_episode ON mdt_cases (episode_id);

CREATE TABLE transitions (
  id INTEGER PRIMARY KEY,
  episode_id INTEGER NOT NULL REFERENCES episodes (id),
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  gate TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  findings TEXT NOT NULL DEFAULT '[]',
  rule_pack_version TEXT NOT NULL DEFAULT '',
  blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  override_reason TEXT NOT NULL DEFAULT '',
  override_role TEXT NOT NULL DEFAULT '',
  exit_reason TEXT NOT NULL DEFAULT '',
  exit_date TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transitions_by_episode ON transitions (episode_id, id);

CREATE TRIGGER transitions_no_update BEFORE UPDATE ON transitions
BEGIN
  SELECT RAISE(ABORT, 'transitions is append-only');
END;
CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions
BEGIN
  SELECT RAISE(ABORT, 'transitions is append-only');
END;
