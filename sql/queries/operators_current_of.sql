-- Current operators of one encoder and method (of $pool; NULL: every pool), by model and pool.
SELECT version, model_id, pool, intercept, vector, calib_a, calib_b, lam, n, base_rate, watermark, prior_version
FROM operators_current
WHERE encoder = $encoder AND method = $method AND ($pool IS NULL OR pool = $pool)
ORDER BY model_id, pool;
