-- Every label of pool $benchmark (THE label rule: result_labels) with the prompt's category (benchmark when none)
-- and whether an answer was extracted (NULL: the format does not say).
SELECT l.model_id, l.prompt_id, coalesce(l.category, l.pool) AS category, l.correct, l.answered
FROM result_labels l
WHERE l.pool = $benchmark
ORDER BY l.prompt_id, l.model_id;
