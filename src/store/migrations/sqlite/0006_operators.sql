-- vertebro schema 7 (SQLite): operator profiles, competence sign-offs and the training log
-- (HTG3-1.2-TRAINING; docs/training.md).

-- One profile per user (an operator or a training lead), versioned like every record.
CREATE TABLE operators (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL UNIQUE REFERENCES users (id),
  professional_role TEXT NOT NULL,
  registration_number TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE operator_sites (
  operator_id INTEGER NOT NULL REFERENCES operators (id),
  site_id INTEGER NOT NULL REFERENCES sites (id),
  PRIMARY KEY (operator_id, site_id)
);

-- Competence sign-offs are never deleted, and the only change ever made to one is its single
-- revocation (revoked_on, revoked_by, revoke_reason and revoked_at set together, once).
CREATE TABLE competence_sign_offs (
  id INTEGER PRIMARY KEY,
  operator_id INTEGER NOT NULL REFERENCES operators (id),
  scope TEXT NOT NULL,
  signed_on TEXT NOT NULL,
  review_date TEXT NOT NULL,
  signed_by INTEGER NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  revoked_on TEXT NOT NULL DEFAULT '',
  revoked_by INTEGER REFERENCES users (id),
  revoke_reason TEXT NOT NULL DEFAULT '',
  revoked_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX competence_sign_offs_by_operator ON competence_sign_offs (operator_id, id);

CREATE TRIGGER competence_sign_offs_no_delete BEFORE DELETE ON competence_sign_offs
BEGIN
  SELECT RAISE(ABORT, 'competence_sign_offs are never deleted');
END;
CREATE TRIGGER competence_sign_offs_revoke_once BEFORE UPDATE ON competence_sign_offs
WHEN OLD.revoked_on <> ''
  OR NEW.revoked_on = '' OR NEW.revoke_reason = '' OR NEW.revoked_by IS NULL OR NEW.revoked_at = ''
  OR NEW.id IS NOT OLD.id OR NEW.operator_id IS NOT OLD.operator_id OR NEW.scope IS NOT OLD.scope
  OR NEW.signed_on IS NOT OLD.signed_on OR NEW.review_date IS NOT OLD.review_date
  OR NEW.signed_by IS NOT OLD.signed_by OR NEW.created_at IS NOT OLD.created_at
BEGIN
  SELECT RAISE(ABORT, 'a competence sign-off can only be revoked, once');
END;

-- The training log: entries are never deleted; the only change is the training lead's check.
CREATE TABLE training_entries (
  id INTEGER PRIMARY KEY,
  operator_id INTEGER NOT NULL REFERENCES operators (id),
  kind TEXT NOT NULL,
  entry_date TEXT NOT NULL,
  description TEXT NOT NULL,
  evidence TEXT NOT NULL,
  added_by INTEGER NOT NULL REFERENCES users (id),
  added_at TEXT NOT NULL,
  checked_by INTEGER REFERENCES users (id),
  checked_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX training_entries_by_operator ON training_entries (operator_id, entry_date, id);

CREATE TRIGGER training_entries_no_delete BEFORE DELETE ON training_entries
BEGIN
  SELECT RAISE(ABORT, 'training_entries are never deleted');
END;
