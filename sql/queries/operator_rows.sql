-- Every current label (view result_labels) of the (model, pool) units in want_units: the key of the text it saw
-- under $encoder and its label.
SELECT l.model_id, l.pool, CASE WHEN enc.fields = 'text' THEN pv.text_hash ELSE pv.version_id END AS key,
       l.y::DOUBLE AS y
FROM result_labels l
JOIN prompt_versions pv ON pv.prompt_id = l.prompt_id AND pv.version_id = l.version_id
JOIN encoders enc ON enc.encoder = $encoder
WHERE (l.model_id, l.pool) IN (SELECT (model_id, pool) FROM want_units)
ORDER BY l.model_id, l.pool, key, y;
