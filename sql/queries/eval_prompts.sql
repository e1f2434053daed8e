-- Prompts (of $benchmark; NULL: all) that have results: category (benchmark when none) and the key of the
-- canonical text under $encoder.
SELECT p.prompt_id, coalesce(p.category, p.benchmark) AS category,
       CASE WHEN enc.fields = 'text' THEN p.text_hash ELSE p.version_id END AS key
FROM prompts p
JOIN encoders enc ON enc.encoder = $encoder
WHERE EXISTS (SELECT 1 FROM results r WHERE r.prompt_id = p.prompt_id)
  AND ($benchmark IS NULL OR p.benchmark = $benchmark)
ORDER BY p.prompt_id;
