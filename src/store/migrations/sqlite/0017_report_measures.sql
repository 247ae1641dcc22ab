-- The audit reports' per-episode figures (issue 15; docs/reports.md): derived values, rebuilt
-- from the records by app/report_measures.cpp, so that a report over a million procedures is
-- one aggregate query over narrow indexed rows rather than a parse of every clinical form.
--
-- report_episodes: one row per episode with a recorded procedure: what the report filters on
-- (site, primary operator, indication, procedure date) and the episode's HTG3 safety measures
-- (app/measures.h; 1 yes, 0 no, NULL not known). report_visits: the efficacy measures judged at
-- each recorded follow-up visit, and the time points a patient who died or withdrew was no
-- longer expected at. report_stale: the episodes whose rows must be worked out again
-- before the next report; the triggers below add an episode whenever anything its figures are
-- made from changes, so no code path can leave a row out of date. A report first works out the
-- stale episodes (and every episode when the unit's outcome definitions or schedule changed:
-- meta 'report_basis'), then aggregates.
CREATE TABLE report_episodes (
  episode_id INTEGER PRIMARY KEY REFERENCES episodes (id),
  site_id INTEGER NOT NULL,
  operator_id INTEGER,
  indication TEXT NOT NULL,
  procedure_date TEXT NOT NULL,
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
  followed_days INTEGER NOT NULL
);
CREATE INDEX report_episodes_by_date ON report_episodes (procedure_date, site_id);

CREATE TABLE report_visits (
  episode_id INTEGER NOT NULL REFERENCES report_episodes (episode_id),
  time_point TEXT NOT NULL,
  pain_relief INTEGER CHECK (pain_relief IN (0, 1)),
  reduced_medication INTEGER CHECK (reduced_medication IN (0, 1)),
  improved_mobility INTEGER CHECK (improved_mobility IN (0, 1)),
  satisfied INTEGER CHECK (satisfied IN (0, 1)),
  -- 1: no visit at this time point, and the patient died or withdrew before its window closed
  -- (not expected, as on the Follow-ups page's completeness); the measures are then NULL.
  exited INTEGER NOT NULL CHECK (exited IN (0, 1)),
  PRIMARY KEY (episode_id, time_point)
);

-- What the compliance report counts of each episode (app/report_measures.cpp): kind 'gate', one
-- row per gate the episode passed (name: the gate; result 'first_time', 'after_block' when a
-- blocked attempt came first, or 'overridden', with the override's reason); kind 'rule', one
-- row per HTG3 requirement the recorded procedure's check judged (name: the requirement id;
-- result 'met' or 'not_met'); kind 'override', one row per requirement an override passed
-- (name: the requirement id; gate: where; reason: why).
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

CREATE TABLE report_stale (
  episode_id INTEGER PRIMARY KEY
);
INSERT INTO report_stale (episode_id)
  SELECT episode_id FROM episode_forms WHERE kind = 'procedure';

CREATE TRIGGER report_stale_forms_insert AFTER INSERT ON episode_forms
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (NEW.episode_id); END;
CREATE TRIGGER report_stale_forms_update AFTER UPDATE ON episode_forms
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (NEW.episode_id); END;
CREATE TRIGGER report_stale_visits_insert AFTER INSERT ON follow_up_visits
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (NEW.episode_id); END;
CREATE TRIGGER report_stale_visits_update AFTER UPDATE ON follow_up_visits
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (NEW.episode_id); END;
CREATE TRIGGER report_stale_visits_delete AFTER DELETE ON follow_up_visits
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (OLD.episode_id); END;
CREATE TRIGGER report_stale_complications_insert AFTER INSERT ON complications
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (NEW.episode_id); END;
CREATE TRIGGER report_stale_complications_update AFTER UPDATE ON complications
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (NEW.episode_id); END;
CREATE TRIGGER report_stale_complications_delete AFTER DELETE ON complications
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (OLD.episode_id); END;
CREATE TRIGGER report_stale_operators_insert AFTER INSERT ON procedure_operators
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (NEW.episode_id); END;
CREATE TRIGGER report_stale_operators_update AFTER UPDATE ON procedure_operators
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (NEW.episode_id); END;
CREATE TRIGGER report_stale_operators_delete AFTER DELETE ON procedure_operators
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (OLD.episode_id); END;
CREATE TRIGGER report_stale_episodes_update AFTER UPDATE ON episodes
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (NEW.id); END;
CREATE TRIGGER report_stale_transitions_insert AFTER INSERT ON transitions
BEGIN INSERT OR IGNORE INTO report_stale (episode_id) VALUES (NEW.episode_id); END;
