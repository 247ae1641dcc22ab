-- The open-episode queues (worklist with no state named) read this partial index in waiting
-- order: a page of 50 is an index range, however many closed episodes a site has. Its
-- predicate is word for word the one in store::worklist_sql.
CREATE INDEX episodes_open_by_site ON episodes (site_id, referral_date, id)
  WHERE state NOT IN ('closed', 'declined', 'withdrawn', 'not_suitable', 'deceased');

-- The history of changes of a record (its creation, updates and transitions) reads this
-- partial index, never the record's read entries: it costs the same however often the record
-- was opened. Its predicate is word for word the one in store::audit_for_record_sql.
CREATE INDEX audit_changes_by_record ON audit_log (record_type, record_id, seq)
  WHERE action IN ('create', 'update', 'transition');
