-- The storage reserve of SQLite's migration 0008 (room kept back for recording accesses on a
-- full disk; hazard H-093). PostgreSQL cannot keep one this way: space freed by a delete is
-- reused only after VACUUM, and by the same table. The table is created empty so that both
-- backends have one schema and one version number; nothing reads or writes it on PostgreSQL,
-- where a read whose audit entry cannot be written is answered 503 (StoreFaultTest).
CREATE TABLE storage_reserve (
  id BIGSERIAL PRIMARY KEY,
  filler BYTEA NOT NULL
);
