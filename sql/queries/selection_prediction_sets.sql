-- The operator version and prompt count materialised for each (model, pool) under $encoder and $method.
SELECT model_id, pool, operator_version, n_prompts
FROM prediction_sets
WHERE encoder = $encoder AND method = $method
ORDER BY model_id, pool;
