-- Who operated on each recorded procedure, as its form names them by operator profile
-- (HTG3-1.2-TRAINING; docs/training.md): rewritten with the procedure form whenever it is saved
-- (app/pathway.cpp), so that an operator's cases, supervised and supervising, are counted from an
-- index range rather than by reading every procedure document. A visiting operator (no profile)
-- has no row. `supervised` is 1 on a primary operator's row when the procedure names a
-- supervisor (chosen or visiting), 0 otherwise and on a supervisor's row.

CREATE TABLE procedure_operators (
  episode_id INTEGER NOT NULL REFERENCES episodes (id),
  role TEXT NOT NULL CHECK (role IN ('primary', 'supervisor')),
  operator_id INTEGER NOT NULL REFERENCES operators (id),
  supervised INTEGER NOT NULL CHECK (supervised IN (0, 1)),
  procedure_date TEXT NOT NULL,
  PRIMARY KEY (episode_id, role)
);
CREATE INDEX procedure_operators_by_operator ON procedure_operators (operator_id, role);

-- The procedures recorded before this table.
INSERT INTO procedure_operators (episode_id, role, operator_id, supervised, procedure_date)
SELECT f.episode_id, 'primary', json_extract(f.data, '$.primary_operator_id'),
       CASE WHEN json_extract(f.data, '$.supervisor') IS NULL THEN 0 ELSE 1 END,
       COALESCE(json_extract(f.data, '$.date'), '')
FROM episode_forms f
WHERE f.kind = 'procedure' AND json_valid(f.data)
  AND json_type(f.data, '$.primary_operator_id') = 'integer'
  AND EXISTS (SELECT 1 FROM operators o WHERE o.id = json_extract(f.data, '$.primary_operator_id'));
INSERT INTO procedure_operators (episode_id, role, operator_id, supervised, procedure_date)
SELECT f.episode_id, 'supervisor', json_extract(f.data, '$.supervisor_id'), 0,
       COALESCE(json_extract(f.data, '$.date'), '')
FROM episode_forms f
WHERE f.kind = 'procedure' AND json_valid(f.data)
  AND json_type(f.data, '$.supervisor_id') = 'integer'
  AND EXISTS (SELECT 1 FROM operators o WHERE o.id = json_extract(f.data, '$.supervisor_id'));
