-- Learning curves (HTG3-1.2-TRAINING; docs/training.md, "Learning curves"). Each operator's row
-- of a recorded procedure also says whether any treated level leaked cement, and whether a
-- leakage caused symptoms, so that a curve over the operator's consecutive procedures is read
-- from the procedure_operators index. Filled from the procedure forms saved before this table.

ALTER TABLE procedure_operators
  ADD COLUMN leakage INTEGER NOT NULL DEFAULT 0 CHECK (leakage IN (0, 1));
ALTER TABLE procedure_operators
  ADD COLUMN symptomatic_leakage INTEGER NOT NULL DEFAULT 0 CHECK (symptomatic_leakage IN (0, 1));

UPDATE procedure_operators SET
  leakage = EXISTS (
    SELECT 1 FROM episode_forms f,
         json_each(CASE WHEN json_valid(f.data) THEN f.data ELSE '{}' END, '$.levels') l
    WHERE f.episode_id = procedure_operators.episode_id AND f.kind = 'procedure'
      AND json_type(l.value, '$.leakage') = 'array'
      AND json_array_length(l.value, '$.leakage') > 0),
  symptomatic_leakage = EXISTS (
    SELECT 1 FROM episode_forms f,
         json_each(CASE WHEN json_valid(f.data) THEN f.data ELSE '{}' END, '$.levels') l
    WHERE f.episode_id = procedure_operators.episode_id AND f.kind = 'procedure'
      AND json_type(l.value, '$.leakage') = 'array'
      AND json_array_length(l.value, '$.leakage') > 0
      AND json_type(l.value, '$.leakage_symptomatic') = 'true');

-- A learning curve's signal: the case at which an operator's CUSUM score reached the decision
-- limit h, under the design (outcome, p0, p1, h) in force when it was found. Recorded once and
-- audited; kept when the curve is later recomputed. A training lead records its review.
CREATE TABLE learning_curve_signals (
  id INTEGER PRIMARY KEY,
  operator_id INTEGER NOT NULL REFERENCES operators (id),
  outcome TEXT NOT NULL CHECK (outcome IN ('leakage', 'symptomatic_leakage')),
  episode_id INTEGER NOT NULL REFERENCES episodes (id),
  case_number INTEGER NOT NULL CHECK (case_number > 0),
  procedure_date TEXT NOT NULL,
  score TEXT NOT NULL,
  design TEXT NOT NULL,
  signalled_at TEXT NOT NULL,
  reviewed_by INTEGER NOT NULL DEFAULT 0,
  reviewed_at TEXT NOT NULL DEFAULT '',
  review_note TEXT NOT NULL DEFAULT '',
  UNIQUE (operator_id, outcome, episode_id, design)
);
CREATE INDEX learning_curve_signals_open ON learning_curve_signals (reviewed_at, operator_id);
