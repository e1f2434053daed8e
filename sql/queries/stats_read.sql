-- Stored statistics of the (model, pool) units in stats_models for one encoder.
SELECT s.model_id, s.pool, s.dim, s.n, s.sum_y, s.sum_x, s.b, s.gram, s.signature, s.watermark
FROM operator_stats s
WHERE s.encoder = $encoder AND (s.model_id, s.pool) IN (SELECT (model_id, pool) FROM stats_models);
