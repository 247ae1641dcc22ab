-- The register of safety notices about the unit's devices (MHRA Medical Device Alerts, field
-- safety notices), with the device safety officer's acknowledgement (docs/traceability.md).

-- A notice is never deleted. Its text may be corrected (version goes up by one each time);
-- its acknowledgement is set once and never changed.
CREATE TABLE device_notices (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  issued TEXT NOT NULL,
  summary TEXT NOT NULL,
  actions_required TEXT NOT NULL,
  source TEXT NOT NULL,
  subject_confirmed INTEGER NOT NULL,
  all_cements INTEGER NOT NULL,
  version INTEGER NOT NULL,
  updated_by INTEGER REFERENCES users (id),
  updated_at TEXT NOT NULL DEFAULT '',
  acknowledged_by INTEGER REFERENCES users (id),
  acknowledged_on TEXT NOT NULL DEFAULT '',
  acknowledgement TEXT NOT NULL DEFAULT '',
  acknowledged_at TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER device_notices_no_delete BEFORE DELETE ON device_notices
BEGIN
  SELECT RAISE(ABORT, 'device_notices are never deleted');
END;
CREATE TRIGGER device_notices_acknowledged_once BEFORE UPDATE ON device_notices
WHEN OLD.acknowledged_on <> '' AND (NEW.acknowledged_on IS NOT OLD.acknowledged_on
  OR NEW.acknowledged_by IS NOT OLD.acknowledged_by
  OR NEW.acknowledgement IS NOT OLD.acknowledgement
  OR NEW.acknowledged_at IS NOT OLD.acknowledged_at)
BEGIN
  SELECT RAISE(ABORT, 'a notice is acknowledged once');
END;

-- The products and lots a notice names (rewritten with the notice).
CREATE TABLE device_notice_products (
  notice_id INTEGER NOT NULL REFERENCES device_notices (id),
  product_id INTEGER NOT NULL REFERENCES cement_products (id),
  PRIMARY KEY (notice_id, product_id)
);
CREATE TABLE device_notice_lots (
  notice_id INTEGER NOT NULL REFERENCES device_notices (id),
  lot_id INTEGER NOT NULL REFERENCES cement_lots (id),
  PRIMARY KEY (notice_id, lot_id)
);

-- The two MHRA notices NICE cites for this procedure (../shared/domain/REFERENCE.md section 2),
-- with what is known of them: the device safety officer completes them from the notices.
INSERT INTO device_notices (reference, title, issued, summary, actions_required, source,
                            subject_confirmed, all_cements, version)
VALUES
  ('MDA/2003/021',
   'MHRA Medical Device Alert cited by NICE for percutaneous vertebroplasty',
   '2003',
   'NICE lists this MHRA notice as relating to percutaneous vertebroplasty. Its exact subject '
   || 'has not been checked against the notice; it is probably about the bone cement used in '
   || 'vertebroplasty.',
   'Read the notice, record its subject and the actions it asks for here, then mark the '
   || 'subject confirmed.',
   'Cited by NICE HTG3 (formerly IPG12), percutaneous vertebroplasty',
   0, 1, 1),
  ('MDA/2007/088',
   'Injectable polymeric cements used in percutaneous vertebroplasty, balloon kyphoplasty and '
   || 'pedicle screw augmentation',
   '2007',
   'Concerns the injectable polymeric (PMMA) bone cements used in vertebroplasty. The title '
   || 'is as NICE cites it; the text of the notice is not held here.',
   'Read the notice and record the actions it asks for here; follow each cement''s '
   || 'instructions for use when preparing it (HTG3 1.2).',
   'Cited by NICE IPG166, balloon kyphoplasty',
   1, 1, 1);
