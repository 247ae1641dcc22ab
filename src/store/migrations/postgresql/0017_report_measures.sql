-- The audit reports' per-episode figures (issue 15; docs/reports.md): derived values, rebuilt
-- from the records by app/report_measures.cpp; see the SQLite migration of the same number for
-- what each table holds. The triggers add an episode to report_stale whenever anything its
-- figures are made from changes.
CREATE TABLE report_episodes (
  episode_id BIGINT PRIMARY KEY REFERENCES episodes (id),
  site_id BIGINT NOT NULL,
  operator_id BIGINT,
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
  new_fracture_days INTEGER,
  followed_days INTEGER NOT NULL
);
CREATE INDEX report_episodes_by_date ON report_episodes (procedure_date, site_id);

CREATE TABLE report_visits (
  episode_id BIGINT NOT NULL REFERENCES report_episodes (episode_id),
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
  episode_id BIGINT NOT NULL REFERENCES report_episodes (episode_id),
  kind TEXT NOT NULL CHECK (kind IN ('gate', 'rule', 'override')),
  name TEXT NOT NULL,
  gate TEXT NOT NULL,
  result TEXT NOT NULL
    CHECK (result IN ('first_time', 'after_block', 'overridden', 'met', 'not_met')),
  reason TEXT NOT NULL,
  PRIMARY KEY (episode_id, kind, name, gate)
);

CREATE TABLE report_stale (
  episode_id BIGINT PRIMARY KEY
);
INSERT INTO report_stale (episode_id)
  SELECT episode_id FROM episode_forms WHERE kind = 'procedure';

CREATE FUNCTION vertebro_report_stale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  id BIGINT;
BEGIN
  IF TG_TABLE_NAME = 'episodes' THEN
    id := NEW.id;
  ELSIF TG_OP = 'DELETE' THEN
    id := OLD.episode_id;
  ELSE
    id := NEW.episode_id;
  END IF;
  INSERT INTO report_stale (episode_id) VALUES (id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE TRIGGER report_stale_forms AFTER INSERT OR UPDATE ON episode_forms
  FOR EACH ROW EXECUTE FUNCTION vertebro_report_stale();
CREATE TRIGGER report_stale_visits AFTER INSERT OR UPDATE OR DELETE ON follow_up_visits
  FOR EACH ROW EXECUTE FUNCTION vertebro_report_stale();
CREATE TRIGGER report_stale_complications AFTER INSERT OR UPDATE OR DELETE ON complications
  FOR EACH ROW EXECUTE FUNCTION vertebro_report_stale();
CREATE TRIGGER report_stale_operators AFTER INSERT OR UPDATE OR DELETE ON procedure_operators
  FOR EACH ROW EXECUTE FUNCTION vertebro_report_stale();
CREATE TRIGGER report_stale_episodes AFTER UPDATE ON episodes
  FOR EACH ROW EXECUTE FUNCTION vertebro_report_stale();
CREATE TRIGGER report_stale_transitions AFTER INSERT ON transitions
  FOR EACH ROW EXECUTE FUNCTION vertebro_report_stale();
