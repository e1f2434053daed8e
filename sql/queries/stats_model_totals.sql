-- For the (model, pool) units in stats_models: label count, label sum and prompt-set signature (multiset hash of
-- the embedded texts: two units with equal signatures have equal G) as of $new_watermark, by the label rule.
SELECT l.model_id, l.pool, count(*) AS n, sum(l.y) AS sum_y,
       count(*)::VARCHAR || '-' || sum(hash(CASE WHEN enc.fields = 'text' THEN pv.text_hash ELSE pv.version_id END))::VARCHAR AS signature
FROM result_labels l
JOIN prompt_versions pv ON pv.prompt_id = l.prompt_id AND pv.version_id = l.version_id
JOIN encoders enc ON enc.encoder = $encoder
WHERE (l.model_id, l.pool) IN (SELECT (model_id, pool) FROM stats_models) AND l.load_id <= $new_watermark
GROUP BY l.model_id, l.pool;
