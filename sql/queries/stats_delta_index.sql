-- Dense indexes for the delta: models (stats_models) and distinct keys (stats_keys).
CREATE OR REPLACE TEMP TABLE stats_models AS
SELECT model_id, (row_number() OVER (ORDER BY model_id) - 1)::INTEGER AS midx
FROM (SELECT DISTINCT model_id FROM stats_delta);
CREATE OR REPLACE TEMP TABLE stats_keys AS
SELECT key, (row_number() OVER (ORDER BY key) - 1)::INTEGER AS kidx
FROM (SELECT DISTINCT key FROM stats_delta);
