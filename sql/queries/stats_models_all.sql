-- Every model with results (stats_models for a rebuild), or with statistics under $encoder.
SELECT DISTINCT model_id FROM results WHERE $encoder IS NULL
UNION
SELECT model_id FROM operator_stats WHERE encoder = $encoder AND n > 0
ORDER BY 1;
