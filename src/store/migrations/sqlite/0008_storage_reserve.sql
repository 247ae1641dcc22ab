-- Room kept back for recording accesses when the database cannot grow (a full disk; hazard
-- H-093). Reading a record writes its audit entry, so on a full disk no record could be shown.
-- Each row fills one 4 KiB page. When a statement that records an access (a read's audit
-- entry, a sign-in's session) fails for want of room, the store deletes 8 rows in a transaction
-- of its own and runs the read's transaction again, so lookups go on after saves have stopped
-- (503). Saves never draw on it. The store fills it up to 256 rows (1 MiB) again after the
-- next write that succeeds (store/sqlite/sqlite_store.cpp, SqliteReserve). PostgreSQL keeps no
-- reserve (its migration 0008 creates the table empty).
CREATE TABLE storage_reserve (
  id INTEGER PRIMARY KEY,
  filler BLOB NOT NULL
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 256)
INSERT INTO storage_reserve (filler) SELECT zeroblob(3900) FROM n;
