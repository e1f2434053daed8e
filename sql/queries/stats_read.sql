-- Stored statistics of the models in stats_models for one encoder.
SELECT s.model_id, s.dim, s.n, s.sum_y, s.sum_x, s.b, s.gram, s.signature, s.watermark
FROM operator_stats s
WHERE s.encoder = $encoder AND s.model_id IN (SELECT model_id FROM stats_models);
