-- Statistics (packed Gram matrix) of every (model, pool) under $encoder, with the signature they were taken at.
SELECT model_id, pool, dim, signature, gram
FROM operator_stats
WHERE encoder = $encoder AND list_contains($models, model_id)
ORDER BY model_id, pool;
