-- Every prompt of benchmark $benchmark that has results (as coldstart_pool_prompts) with the key of its canonical
-- text under $encoder (as eval_prompts).
SELECT p.prompt_id, CASE WHEN enc.fields = 'text' THEN p.text_hash ELSE p.version_id END AS key
FROM prompts p
JOIN encoders enc ON enc.encoder = $encoder
WHERE p.benchmark = $benchmark AND EXISTS (SELECT 1 FROM results r WHERE r.prompt_id = p.prompt_id)
ORDER BY p.prompt_id;
