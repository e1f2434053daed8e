-- Every (model, prompt) with a result (of $benchmark; NULL: all), the key of the text that model saw under
-- $encoder, and its label (+1 correct, -1 wrong; several sources of one pair vote, a tie counts as wrong).
SELECT r.model_id, r.prompt_id,
       min(CASE WHEN enc.fields = 'text' THEN pv.text_hash ELSE pv.version_id END) AS key,
       (CASE WHEN avg(CASE WHEN r.correct THEN 1 ELSE -1 END) > 0 THEN 1 ELSE -1 END)::DOUBLE AS y
FROM results r
JOIN prompts p ON p.prompt_id = r.prompt_id
JOIN prompt_versions pv ON pv.prompt_id = r.prompt_id AND pv.version_id = r.version_id
JOIN encoders enc ON enc.encoder = $encoder
WHERE $benchmark IS NULL OR p.benchmark = $benchmark
GROUP BY r.model_id, r.prompt_id
ORDER BY r.model_id, r.prompt_id;
