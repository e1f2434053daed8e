-- Upsert statistics rows from the registered arrow table stats_batch.
INSERT INTO operator_stats (model_id, encoder, pool, dim, n, sum_y, sum_x, b, gram, signature, watermark, watermark_at,
                            updated_at)
SELECT model_id, $encoder, pool, dim, n, sum_y, sum_x, b, gram, signature, $watermark, $watermark_at, $now
FROM stats_batch
ON CONFLICT (model_id, encoder, pool) DO UPDATE SET
    dim = excluded.dim, n = excluded.n, sum_y = excluded.sum_y, sum_x = excluded.sum_x, b = excluded.b,
    gram = excluded.gram, signature = excluded.signature, watermark = excluded.watermark,
    watermark_at = excluded.watermark_at, updated_at = excluded.updated_at;
