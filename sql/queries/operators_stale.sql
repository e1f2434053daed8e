-- (model, pool) units whose statistics changed after their latest operator of $method fitted with $config.
SELECT s.model_id, s.pool
FROM operator_stats s
WHERE s.encoder = $encoder AND s.n > 0
  AND NOT EXISTS (SELECT 1 FROM operators o
                  WHERE o.model_id = s.model_id AND o.encoder = s.encoder AND o.method = $method AND o.pool = s.pool
                    AND o.watermark >= s.watermark AND json_extract_string(o.params, '$.config') = $config)
ORDER BY s.model_id, s.pool;
