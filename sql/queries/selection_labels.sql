-- Every label of $benchmark (view result_labels: one per model and prompt) with the embedding key of the text the
-- model saw and of the prompt's canonical text, its cost, category, source file and length.
SELECT l.model_id, l.prompt_id, l.correct, l.cost_usd, coalesce(p.category, '') AS category,
       coalesce(p.src, '') AS src, length(p.text) AS chars,
       CASE WHEN $fields = 'text' THEN v.text_hash ELSE v.version_id END AS key,
       CASE WHEN $fields = 'text' THEN p.text_hash ELSE p.version_id END AS canon_key
FROM result_labels l
JOIN prompts p USING (prompt_id)
JOIN prompt_versions v ON v.prompt_id = l.prompt_id AND v.version_id = l.version_id
WHERE l.pool = $benchmark
ORDER BY l.prompt_id, l.model_id;
