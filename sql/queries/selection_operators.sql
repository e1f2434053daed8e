-- The current operator of every (model, pool) for $encoder and $method, with the model's cost line in that pool
-- where costs are measured, and for a cold-start operator its estimated benchmark accuracy and interval and the
-- leaderboard score behind its ability prior.
SELECT o.model_id, o.pool, o.version, o.lam, o.eps, o.lam_source, o.centred, o.intercept, o.vector, o.calib_a,
       o.calib_b, o.base_rate, o.n, o.signature, o.watermark,
       o.pool AS benchmark, m.n_results, m.observed_accuracy, m.n_cost, m.mean_cost_usd, m.min_cost_usd,
       m.cost_intercept, m.cost_per_char,
       coalesce(o.coldstart, false) AS coldstart, e.estimate AS coldstart_estimate, e.lo AS coldstart_lo,
       e.hi AS coldstart_hi, e.prior_score AS coldstart_prior_score
FROM operators_current o
LEFT JOIN selection_models m ON m.model_id = o.model_id AND m.benchmark = o.pool
LEFT JOIN coldstart_estimates e ON o.coldstart AND e.model_id = o.model_id AND e.pool = o.pool AND e.category = '*'
WHERE o.encoder = $encoder AND o.method = $method
ORDER BY o.pool, o.model_id;
