-- Dense indexes for the delta: (model, pool) units (stats_models) and distinct keys (stats_keys).
CREATE OR REPLACE TEMP TABLE stats_models AS
SELECT model_id, pool, (row_number() OVER (ORDER BY model_id, pool) - 1)::INTEGER AS midx
FROM (SELECT DISTINCT model_id, pool FROM stats_delta);
CREATE OR REPLACE TEMP TABLE stats_keys AS
SELECT key, (row_number() OVER (ORDER BY key) - 1)::INTEGER AS kidx
FROM (SELECT DISTINCT key FROM stats_delta);
