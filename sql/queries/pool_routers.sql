-- The served routers of $encoder / $method, one per pool.
SELECT pool, best_model, margin, n_models, prior_version, centroid, spread, watermark
FROM pool_routers
WHERE encoder = $encoder AND method = $method
ORDER BY pool;
