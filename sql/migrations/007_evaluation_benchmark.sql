-- Each evaluation run covers one benchmark (one pool of models); NULL for runs stored before this migration.
ALTER TABLE evaluations ADD COLUMN benchmark VARCHAR;
