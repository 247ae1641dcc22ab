-- The audit report's compliance counts and shortfall list, made cheap at a registry's size
-- (store/sql_tx_reports.cpp; docs/performance.md, "Audit report").
--
-- report_episodes.checks: the episode's report_checks as one text, each check
-- "kind|name|result" in byte order, joined by ";" (written with the rows by
-- put_report_episode). The compliance counts are then one pass over report_episodes grouped by
-- it (a handful of distinct values), not a join of about nine check rows per procedure. Every
-- episode is worked out again before the next report, which fills it.
ALTER TABLE report_episodes ADD COLUMN checks TEXT NOT NULL DEFAULT '';
INSERT OR IGNORE INTO report_stale (episode_id) SELECT episode_id FROM report_episodes;

-- The shortfall list reads the checks that fell short one (kind, name) at a time, in the order
-- it lists them: this index finds them without reading the checks that passed.
CREATE INDEX report_checks_shortfalls ON report_checks (result, kind, name);
