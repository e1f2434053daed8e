-- Every (model, prompt) label (of $benchmark; NULL: all) from the label rule (view result_labels), with the key
-- of the text that model saw under $encoder.
SELECT l.model_id, l.prompt_id,
       CASE WHEN enc.fields = 'text' THEN pv.text_hash ELSE pv.version_id END AS key, l.y::DOUBLE AS y,
       l.cost_usd
FROM result_labels l
JOIN prompt_versions pv ON pv.prompt_id = l.prompt_id AND pv.version_id = l.version_id
JOIN encoders enc ON enc.encoder = $encoder
WHERE $benchmark IS NULL OR l.pool = $benchmark
ORDER BY l.model_id, l.prompt_id;
