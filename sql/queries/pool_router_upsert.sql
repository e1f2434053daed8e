-- Record the served router of one (encoder, method, pool).
INSERT INTO pool_routers (encoder, method, pool, watermark, best_model, margin, n_models, prior_version, centroid,
                          spread, near_p01, created_at)
VALUES ($encoder, $method, $pool, $watermark, $best_model, $margin, $n_models, $prior_version, $centroid, $spread,
        $near_p01, $now)
ON CONFLICT (encoder, method, pool) DO UPDATE SET watermark = excluded.watermark, best_model = excluded.best_model,
    margin = excluded.margin, n_models = excluded.n_models, prior_version = excluded.prior_version,
    centroid = excluded.centroid, spread = excluded.spread, near_p01 = excluded.near_p01,
    created_at = excluded.created_at;
