-- New prompts of a load; category/src filled in when an earlier load lacked them.
INSERT INTO prompts (prompt_id, benchmark, item_id, text, text_hash, category, src, options, answer,
                     version_id, n_versions, first_seen)
SELECT DISTINCT ON (prompt_id) prompt_id, benchmark, item_id, text, text_hash, category, src, options, answer,
       version_id, 1, $now
FROM stage ORDER BY prompt_id, version_id
ON CONFLICT (prompt_id) DO UPDATE SET
    category = coalesce(prompts.category, excluded.category),
    src = coalesce(prompts.src, excluded.src);
