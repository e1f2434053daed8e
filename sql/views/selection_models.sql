-- Every model's pools (benchmarks it has results on): observed accuracy and, where measured, its cost per prompt
-- (mean, min, and the least-squares line cost = cost_intercept + cost_per_char * prompt characters).
CREATE OR REPLACE VIEW selection_models AS
SELECT r.model_id,
       r.pool AS benchmark,
       count(*)                                   AS n_results,
       avg(r.correct::INTEGER)                    AS observed_accuracy,
       count(r.cost_usd)                          AS n_cost,
       avg(r.cost_usd)                            AS mean_cost_usd,
       min(r.cost_usd)                            AS min_cost_usd,
       coalesce(regr_intercept(r.cost_usd, length(p.text)), avg(r.cost_usd)) AS cost_intercept,
       coalesce(regr_slope(r.cost_usd, length(p.text)), 0.0)                 AS cost_per_char,
       coalesce(any_value(c.coldstart), false)    AS coldstart
FROM result_labels r
JOIN prompts p USING (prompt_id)
LEFT JOIN (SELECT model_id, pool, bool_or(coldstart) AS coldstart FROM operators_current GROUP BY ALL) c
       ON c.model_id = r.model_id AND c.pool = r.pool
GROUP BY r.model_id, r.pool;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW selection_models IS 'Every model pools: observed accuracy and, where measured, its cost per prompt';
COMMENT ON COLUMN selection_models.model_id IS 'models.model_id';
COMMENT ON COLUMN selection_models.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN selection_models.n_results IS 'Labels in the pool (count)';
COMMENT ON COLUMN selection_models.observed_accuracy IS 'Share correct, fraction in [0, 1]';
COMMENT ON COLUMN selection_models.n_cost IS 'Labels with a measured cost (count)';
COMMENT ON COLUMN selection_models.mean_cost_usd IS 'Mean measured cost per prompt in USD (NULL: not measured)';
COMMENT ON COLUMN selection_models.min_cost_usd IS 'Lowest measured cost of a prompt in USD';
COMMENT ON COLUMN selection_models.cost_intercept IS 'USD at zero prompt characters of the least-squares line cost = cost_intercept + cost_per_char * characters';
COMMENT ON COLUMN selection_models.cost_per_char IS 'USD per prompt character of that line (0 when it cannot be fitted)';
COMMENT ON COLUMN selection_models.coldstart IS 'True: a cold-start model in this benchmark (n_results planned evaluations, under COLDSTART_SHARE of its prompts)';
