-- Every (text, options, answer) version of a prompt that a load saw.
INSERT INTO prompt_versions (prompt_id, version_id, text, text_hash, options, answer, first_seen, first_load_id)
SELECT prompt_id, version_id, any_value(text), any_value(text_hash), any_value(options), any_value(answer), $now, $load_id
FROM stage GROUP BY prompt_id, version_id
ON CONFLICT (prompt_id, version_id) DO NOTHING;
