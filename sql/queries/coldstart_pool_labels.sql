-- Every label of pool $benchmark (THE label rule: result_labels) with the prompt's category (benchmark when none).
SELECT l.model_id, l.prompt_id, coalesce(l.category, l.pool) AS category, l.correct
FROM result_labels l
WHERE l.pool = $benchmark
ORDER BY l.prompt_id, l.model_id;
