-- For the models in stats_models: result count, label sum and prompt-set signature (multiset hash of the
-- embedded texts: two models with equal signatures have equal G) as of $new_watermark.
SELECT r.model_id, count(*) AS n, sum(CASE WHEN r.correct THEN 1 ELSE -1 END) AS sum_y,
       count(*)::VARCHAR || '-' || sum(hash(CASE WHEN enc.fields = 'text' THEN pv.text_hash ELSE pv.version_id END))::VARCHAR AS signature
FROM results r
JOIN prompt_versions pv ON pv.prompt_id = r.prompt_id AND pv.version_id = r.version_id
JOIN encoders enc ON enc.encoder = $encoder
WHERE r.model_id IN (SELECT model_id FROM stats_models) AND r.load_id <= $new_watermark
GROUP BY r.model_id;
