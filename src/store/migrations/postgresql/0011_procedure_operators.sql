-- Who operated on each recorded procedure, by operator profile (HTG3-1.2-TRAINING). The same
-- table and backfill as SQLite's 0011_procedure_operators.sql.

CREATE TABLE procedure_operators (
  episode_id BIGINT NOT NULL REFERENCES episodes (id),
  role TEXT NOT NULL CHECK (role IN ('primary', 'supervisor')),
  operator_id BIGINT NOT NULL REFERENCES operators (id),
  supervised INTEGER NOT NULL CHECK (supervised IN (0, 1)),
  procedure_date TEXT NOT NULL,
  PRIMARY KEY (episode_id, role)
);
CREATE INDEX procedure_operators_by_operator ON procedure_operators (operator_id, role);

INSERT INTO procedure_operators (episode_id, role, operator_id, supervised, procedure_date)
SELECT f.episode_id, 'primary', (f.data::jsonb ->> 'primary_operator_id')::bigint,
       CASE WHEN f.data::jsonb ? 'supervisor' THEN 1 ELSE 0 END,
       COALESCE(f.data::jsonb ->> 'date', '')
FROM episode_forms f
WHERE f.kind = 'procedure'
  AND jsonb_typeof(f.data::jsonb -> 'primary_operator_id') = 'number'
  AND EXISTS (SELECT 1 FROM operators o
              WHERE o.id = (f.data::jsonb ->> 'primary_operator_id')::bigint);
INSERT INTO procedure_operators (episode_id, role, operator_id, supervised, procedure_date)
SELECT f.episode_id, 'supervisor', (f.data::jsonb ->> 'supervisor_id')::bigint, 0,
       COALESCE(f.data::jsonb ->> 'date', '')
FROM episode_forms f
WHERE f.kind = 'procedure'
  AND jsonb_typeof(f.data::jsonb -> 'supervisor_id') = 'number'
  AND EXISTS (SELECT 1 FROM operators o
              WHERE o.id = (f.data::jsonb ->> 'supervisor_id')::bigint);
