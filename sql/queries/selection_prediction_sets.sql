-- The operator version and prompt count materialised for each model under $encoder and $method.
SELECT model_id, operator_version, n_prompts
FROM prediction_sets
WHERE encoder = $encoder AND method = $method
ORDER BY model_id;
