-- Every current result of the models in want_models: the key of the text it saw under $encoder and its label.
SELECT r.model_id, CASE WHEN enc.fields = 'text' THEN pv.text_hash ELSE pv.version_id END AS key,
       (CASE WHEN r.correct THEN 1 ELSE -1 END)::DOUBLE AS y
FROM results r
JOIN prompt_versions pv ON pv.prompt_id = r.prompt_id AND pv.version_id = r.version_id
JOIN encoders enc ON enc.encoder = $encoder
WHERE r.model_id IN (SELECT model_id FROM want_models)
ORDER BY r.model_id, key, y;
