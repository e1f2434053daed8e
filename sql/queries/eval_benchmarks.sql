-- Benchmarks with results, largest first: the evaluation runs once per benchmark (one pool of models each).
SELECT p.benchmark, count(DISTINCT r.prompt_id) AS n_prompts, count(DISTINCT r.model_id) AS n_models
FROM results r JOIN prompts p ON p.prompt_id = r.prompt_id
GROUP BY p.benchmark
ORDER BY count(*) DESC, p.benchmark;
