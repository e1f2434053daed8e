-- Which process owns an open pipeline_runs row, so a later run can close rows whose process died without closing
-- them (killed, out of memory). Statuses: queued | running | completed | failed | cancelled.
ALTER TABLE pipeline_runs ADD COLUMN pid INTEGER;
ALTER TABLE pipeline_runs ADD COLUMN host VARCHAR;
