-- Every prompt of benchmark $benchmark that has results, with its category (benchmark when none).
SELECT p.prompt_id, coalesce(p.category, p.benchmark) AS category
FROM prompts p
WHERE p.benchmark = $benchmark AND EXISTS (SELECT 1 FROM results r WHERE r.prompt_id = p.prompt_id)
ORDER BY p.prompt_id;
