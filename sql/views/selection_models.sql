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
       coalesce(regr_slope(r.cost_usd, length(p.text)), 0.0)                 AS cost_per_char
FROM result_labels r
JOIN prompts p USING (prompt_id)
GROUP BY r.model_id, r.pool;
