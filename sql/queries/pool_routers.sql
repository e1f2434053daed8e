-- The served routers of $encoder / $method, one per pool.
SELECT pool, best_model, margin, n_models, prior_version, centroid, spread, near_p01, watermark
FROM pool_routers
WHERE encoder = $encoder AND method = $method
ORDER BY pool;
