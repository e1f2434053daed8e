-- Every (model, pool) with labels (stats_models for a rebuild), or with statistics under $encoder.
SELECT DISTINCT model_id, pool FROM result_labels WHERE $encoder IS NULL
UNION
SELECT model_id, pool FROM operator_stats WHERE encoder = $encoder AND n > 0
ORDER BY 1, 2;
