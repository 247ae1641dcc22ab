-- vertebro schema 5 (PostgreSQL): which patients each list view showed, and per-user counters
-- of limited actions.

-- The episodes (and their patients) that one "list" entry of the audit trail showed: a worklist
-- page, an MDT meeting's list and candidates. A patient's or an episode's access log finds every
-- list that showed it through this table. The same ids are in the entry's detail, which the hash
-- chain protects; rows are never changed or removed.
CREATE TABLE audit_shown (
  seq BIGINT NOT NULL,
  episode_id BIGINT NOT NULL,
  patient_id BIGINT NOT NULL,
  PRIMARY KEY (seq, episode_id)
);
CREATE INDEX audit_shown_by_patient ON audit_shown (patient_id, seq);
CREATE INDEX audit_shown_by_episode ON audit_shown (episode_id, seq);

CREATE TRIGGER audit_shown_no_update BEFORE UPDATE ON audit_shown
  FOR EACH ROW EXECUTE FUNCTION vertebro_refuse_change();
CREATE TRIGGER audit_shown_no_delete BEFORE DELETE ON audit_shown
  FOR EACH ROW EXECUTE FUNCTION vertebro_refuse_change();
CREATE TRIGGER audit_shown_no_truncate BEFORE TRUNCATE ON audit_shown
  FOR EACH STATEMENT EXECUTE FUNCTION vertebro_refuse_change();

-- Counters of limited actions, one row per user and action ("duplicate_elsewhere:12"): how
-- many since the window began. Kept in the database so that a limit holds across every vertebro
-- instance serving it.
CREATE TABLE rate_counters (
  key TEXT PRIMARY KEY,
  window_start TEXT NOT NULL,
  count INTEGER NOT NULL
);
