-- Current operators of one encoder and method, by model.
SELECT version, model_id, intercept, vector, calib_a, calib_b, lam, n, base_rate, watermark
FROM operators_current
WHERE encoder = $encoder AND method = $method
ORDER BY model_id;
