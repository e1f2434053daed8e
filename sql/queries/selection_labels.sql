-- Every result of $benchmark with the embedding key of the text the model saw and of the prompt's canonical
-- text, its cost, category, source file and length (one row per model and prompt: the latest source).
SELECT r.model_id, r.prompt_id, r.correct, r.cost_usd, coalesce(p.category, '') AS category,
       coalesce(p.src, '') AS src, length(p.text) AS chars,
       CASE WHEN $fields = 'text' THEN v.text_hash ELSE v.version_id END AS key,
       CASE WHEN $fields = 'text' THEN p.text_hash ELSE p.version_id END AS canon_key
FROM results r
JOIN prompts p USING (prompt_id)
JOIN prompt_versions v ON v.prompt_id = r.prompt_id AND v.version_id = r.version_id
WHERE p.benchmark = $benchmark
QUALIFY row_number() OVER (PARTITION BY r.model_id, r.prompt_id ORDER BY r.updated_at DESC, r.source) = 1
ORDER BY r.prompt_id, r.model_id;
