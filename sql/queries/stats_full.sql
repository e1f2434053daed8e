-- Every current label (view result_labels) of the (model, pool) units in stats_models, as +1 rows (a rebuild).
CREATE OR REPLACE TEMP TABLE stats_delta AS
SELECT l.model_id, l.pool, CASE WHEN enc.fields = 'text' THEN pv.text_hash ELSE pv.version_id END AS key,
       l.y, 1::TINYINT AS w
FROM result_labels l
JOIN prompt_versions pv ON pv.prompt_id = l.prompt_id AND pv.version_id = l.version_id
JOIN encoders enc ON enc.encoder = $encoder
WHERE (l.model_id, l.pool) IN (SELECT (model_id, pool) FROM stats_models) AND l.load_id <= $new_watermark;
