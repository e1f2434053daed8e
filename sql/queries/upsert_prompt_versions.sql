-- Every (text, options, answer) version of a prompt that a batch of loads saw and the warehouse lacks.
INSERT INTO prompt_versions (prompt_id, version_id, text, text_hash, options, answer, first_seen, first_load_id)
SELECT prompt_id, version_id, any_value(text), any_value(text_hash), any_value(options), any_value(answer), $now,
       min(load_id)
FROM stage_prompts s
WHERE NOT EXISTS (SELECT 1 FROM prompt_versions v WHERE v.prompt_id = s.prompt_id AND v.version_id = s.version_id)
GROUP BY prompt_id, version_id
ON CONFLICT (prompt_id, version_id) DO NOTHING;
