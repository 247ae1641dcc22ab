-- vertebro schema 3 (SQLite): what a transition judged and why it stepped back.
-- procedure_date: the date the procedure's rules judged the episode at: the planned procedure
-- date on the consent -> procedure move, the recorded procedure's own date when the procedure
-- is recorded (or corrected); '' on every other move.
-- step_back_reason: why a recorded step back (procedure -> consent, consent -> MDT, MDT ->
-- assessment) was made; '' on every other move.
-- Adding columns leaves the append-only triggers of schema 2 in force.
ALTER TABLE transitions ADD COLUMN procedure_date TEXT NOT NULL DEFAULT '';
ALTER TABLE transitions ADD COLUMN step_back_reason TEXT NOT NULL DEFAULT '';
