-- New prompts of a batch of loads; category/src filled in when an earlier load lacked them (prompts that have
-- them, or that the batch gives nothing new, are not touched).
INSERT INTO prompts (prompt_id, benchmark, item_id, text, text_hash, category, src, options, answer,
                     version_id, n_versions, first_seen)
SELECT s.prompt_id, s.benchmark, s.item_id, s.text, s.text_hash, s.category, s.src, s.options, s.answer,
       s.version_id, 1, $now
FROM (SELECT DISTINCT ON (prompt_id) * FROM stage_prompts
      ORDER BY prompt_id, version_id, category IS NULL, src IS NULL, load_id) s
LEFT JOIN prompts p ON p.prompt_id = s.prompt_id
WHERE p.prompt_id IS NULL OR (p.category IS NULL AND s.category IS NOT NULL) OR (p.src IS NULL AND s.src IS NOT NULL)
ON CONFLICT (prompt_id) DO UPDATE SET
    category = coalesce(prompts.category, excluded.category),
    src = coalesce(prompts.src, excluded.src);
