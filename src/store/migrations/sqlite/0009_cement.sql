-- The cement catalogue and the lot register (HTG3-1.2-CEMENT; docs/traceability.md).

-- A product is never deleted: lots and, through them, procedures refer to it.
CREATE TABLE cement_products (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  manufacturer TEXT NOT NULL,
  marking TEXT NOT NULL,
  viscosity TEXT NOT NULL,
  pack_volume_ml TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL
);

-- The codes a scan finds a product by: a GTIN (scheme 'gs1') or a HIBC labeler code and
-- product number (scheme 'hibc'). A code belongs to one product.
CREATE TABLE cement_product_codes (
  scheme TEXT NOT NULL,
  code TEXT NOT NULL,
  product_id INTEGER NOT NULL REFERENCES cement_products (id),
  PRIMARY KEY (scheme, code)
);
CREATE INDEX cement_product_codes_by_product ON cement_product_codes (product_id);

-- Instructions for use, one row per version; never changed or deleted once saved (a change is
-- a new version), and neither are their steps.
CREATE TABLE cement_ifu_versions (
  id INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL REFERENCES cement_products (id),
  version INTEGER NOT NULL,
  reference TEXT NOT NULL,
  mixing_seconds INTEGER,
  waiting_seconds INTEGER,
  working_seconds INTEGER,
  temperature_min_c INTEGER,
  temperature_max_c INTEGER,
  loading TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  UNIQUE (product_id, version)
);
CREATE TABLE cement_ifu_steps (
  ifu_version_id INTEGER NOT NULL REFERENCES cement_ifu_versions (id),
  ordinal INTEGER NOT NULL,
  instruction TEXT NOT NULL,
  PRIMARY KEY (ifu_version_id, ordinal)
);
CREATE TRIGGER cement_ifu_versions_no_update BEFORE UPDATE ON cement_ifu_versions
BEGIN
  SELECT RAISE(ABORT, 'an IFU version is never changed: save a new version');
END;
CREATE TRIGGER cement_ifu_versions_no_delete BEFORE DELETE ON cement_ifu_versions
BEGIN
  SELECT RAISE(ABORT, 'cement_ifu_versions are never deleted');
END;
CREATE TRIGGER cement_ifu_steps_no_update BEFORE UPDATE ON cement_ifu_steps
BEGIN
  SELECT RAISE(ABORT, 'an IFU version is never changed: save a new version');
END;
CREATE TRIGGER cement_ifu_steps_no_delete BEFORE DELETE ON cement_ifu_steps
BEGIN
  SELECT RAISE(ABORT, 'cement_ifu_steps are never deleted');
END;

-- The lot register: one row per product code and lot. Never deleted; the only change ever made
-- to a lot is its single recall (recalled_on, recall_reason, recalled_by and recalled_at set
-- together, once; recall_notice may stay empty).
CREATE TABLE cement_lots (
  id INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL REFERENCES cement_products (id),
  scheme TEXT NOT NULL,
  code TEXT NOT NULL,
  lot TEXT NOT NULL,
  expiry TEXT NOT NULL,
  production_date TEXT NOT NULL DEFAULT '',
  added_by INTEGER NOT NULL REFERENCES users (id),
  added_at TEXT NOT NULL,
  recalled_on TEXT NOT NULL DEFAULT '',
  recall_reason TEXT NOT NULL DEFAULT '',
  recall_notice TEXT NOT NULL DEFAULT '',
  recalled_by INTEGER REFERENCES users (id),
  recalled_at TEXT NOT NULL DEFAULT '',
  UNIQUE (scheme, code, lot),
  FOREIGN KEY (scheme, code) REFERENCES cement_product_codes (scheme, code)
);
CREATE INDEX cement_lots_by_product ON cement_lots (product_id, id);
CREATE TRIGGER cement_lots_no_delete BEFORE DELETE ON cement_lots
BEGIN
  SELECT RAISE(ABORT, 'cement_lots are never deleted');
END;
CREATE TRIGGER cement_lots_recall_once BEFORE UPDATE ON cement_lots
WHEN OLD.recalled_on <> ''
  OR NEW.recalled_on = '' OR NEW.recall_reason = '' OR NEW.recalled_by IS NULL
  OR NEW.recalled_at = ''
  OR NEW.id IS NOT OLD.id OR NEW.product_id IS NOT OLD.product_id OR NEW.scheme IS NOT OLD.scheme
  OR NEW.code IS NOT OLD.code OR NEW.lot IS NOT OLD.lot OR NEW.expiry IS NOT OLD.expiry
  OR NEW.production_date IS NOT OLD.production_date OR NEW.added_by IS NOT OLD.added_by
  OR NEW.added_at IS NOT OLD.added_at
BEGIN
  SELECT RAISE(ABORT, 'a cement lot can only be recalled, once');
END;

-- Which lot filled which cement pack of which procedure: rewritten with the episode's procedure
-- form whenever it is saved (app/procedure_cement.cpp), so that a recall look-up reads an index
-- range instead of every procedure document.
CREATE TABLE procedure_cement_units (
  episode_id INTEGER NOT NULL REFERENCES episodes (id),
  unit INTEGER NOT NULL,
  lot_id INTEGER NOT NULL REFERENCES cement_lots (id),
  PRIMARY KEY (episode_id, unit)
);
CREATE INDEX procedure_cement_units_by_lot ON procedure_cement_units (lot_id, episode_id);
