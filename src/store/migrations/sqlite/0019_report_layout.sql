-- The audit report's derived rows laid out for its passes (store/sql_tx_reports.cpp;
-- docs/performance.md, "Audit report"). Each pass of a report reads every procedure of its
-- date range: as rowid tables reached through a date index, with each visit a look-up in a
-- second table, a pass over a million procedures read pages all over the file (13.5 s). Here
-- report_episodes is kept in (procedure date, episode) order and report_visits in (time point,
-- procedure date, episode) order, each carrying what a report filters on, so that a pass is a
-- read of consecutive pages and the efficacy counts need no join; and each episode's checks
-- are a number (report_check_sets) rather than a long text, keeping the rows narrow.
--
-- The rows are derived (app/report_measures.cpp): the tables are made again empty and every
-- episode with a procedure is marked to be worked out again before the next report.
DROP TABLE report_checks;
DROP TABLE report_visits;
DROP TABLE report_episodes;

-- Each distinct set of checks an episode can have (report_checks below), as one text:
-- "kind|name|result" of each check in byte order, joined by ";". There are few (most procedures
-- pass everything first time): the compliance counts count episodes by their set, and read
-- each set's text once. Sets are kept once made.
CREATE TABLE report_check_sets (
  id INTEGER PRIMARY KEY,
  checks TEXT NOT NULL UNIQUE
);

CREATE TABLE report_episodes (
  procedure_date TEXT NOT NULL,
  episode_id INTEGER NOT NULL REFERENCES episodes (id),
  site_id INTEGER NOT NULL,
  operator_id INTEGER,
  indication TEXT NOT NULL,
  state TEXT NOT NULL,
  leakage INTEGER CHECK (leakage IN (0, 1)),
  leakage_intervention INTEGER NOT NULL CHECK (leakage_intervention IN (0, 1)),
  paraplegia INTEGER NOT NULL CHECK (paraplegia IN (0, 1)),
  other_harm INTEGER NOT NULL CHECK (other_harm IN (0, 1)),
  new_fracture INTEGER NOT NULL CHECK (new_fracture IN (0, 1)),
  new_fracture_adjacent INTEGER NOT NULL CHECK (new_fracture_adjacent IN (0, 1)),
  new_fracture_distant INTEGER NOT NULL CHECK (new_fracture_distant IN (0, 1)),
  -- Days from the procedure to the first new vertebral fracture found, or NULL; and to the
  -- latest visit or complication (how long the episode has been followed), for Kaplan-Meier.
  new_fracture_days INTEGER,
  followed_days INTEGER NOT NULL,
  -- The episode's report_checks summed up (below).
  check_set INTEGER NOT NULL REFERENCES report_check_sets (id),
  PRIMARY KEY (procedure_date, episode_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX report_episodes_by_episode ON report_episodes (episode_id);

-- One row per episode and time point: the efficacy measures judged at a recorded visit, or
-- (exited = 1) no visit because the patient died or withdrew before its window closed, the
-- measures then NULL. site_id, operator_id, indication and procedure_date are the episode's
-- (as in report_episodes), for the report's filter.
CREATE TABLE report_visits (
  time_point TEXT NOT NULL,
  procedure_date TEXT NOT NULL,
  episode_id INTEGER NOT NULL REFERENCES report_episodes (episode_id),
  site_id INTEGER NOT NULL,
  operator_id INTEGER,
  indication TEXT NOT NULL,
  pain_relief INTEGER CHECK (pain_relief IN (0, 1)),
  reduced_medication INTEGER CHECK (reduced_medication IN (0, 1)),
  improved_mobility INTEGER CHECK (improved_mobility IN (0, 1)),
  satisfied INTEGER CHECK (satisfied IN (0, 1)),
  exited INTEGER NOT NULL CHECK (exited IN (0, 1)),
  PRIMARY KEY (time_point, procedure_date, episode_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX report_visits_by_episode ON report_visits (episode_id, time_point);

-- As in migration 0017 (kind 'gate', 'rule' or 'override'; see there).
CREATE TABLE report_checks (
  episode_id INTEGER NOT NULL REFERENCES report_episodes (episode_id),
  kind TEXT NOT NULL CHECK (kind IN ('gate', 'rule', 'override')),
  name TEXT NOT NULL,
  gate TEXT NOT NULL,
  result TEXT NOT NULL
    CHECK (result IN ('first_time', 'after_block', 'overridden', 'met', 'not_met')),
  reason TEXT NOT NULL,
  PRIMARY KEY (episode_id, kind, name, gate)
);
CREATE INDEX report_checks_shortfalls ON report_checks (result, kind, name);

INSERT OR IGNORE INTO report_stale (episode_id)
  SELECT episode_id FROM episode_forms WHERE kind = 'procedure';
