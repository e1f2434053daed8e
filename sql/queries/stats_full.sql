-- Every current result row of the models in stats_models, as +1 rows (a rebuild from scratch).
CREATE OR REPLACE TEMP TABLE stats_delta AS
SELECT r.model_id, CASE WHEN enc.fields = 'text' THEN pv.text_hash ELSE pv.version_id END AS key,
       (CASE WHEN r.correct THEN 1 ELSE -1 END)::TINYINT AS y, 1::TINYINT AS w
FROM results r
JOIN prompt_versions pv ON pv.prompt_id = r.prompt_id AND pv.version_id = r.version_id
JOIN encoders enc ON enc.encoder = $encoder
WHERE r.model_id IN (SELECT model_id FROM stats_models) AND r.load_id <= $new_watermark;
