-- The current operator of every model for $encoder and $method, with the benchmarks (pools) the model has
-- results on and its cost line where costs are measured (one row per model and pool).
SELECT o.model_id, o.version, o.lam, o.eps, o.lam_source, o.centred, o.intercept, o.vector, o.calib_a, o.calib_b,
       o.base_rate, o.n, o.signature, o.watermark,
       m.benchmark, m.n_results, m.observed_accuracy, m.n_cost, m.mean_cost_usd, m.min_cost_usd,
       m.cost_intercept, m.cost_per_char
FROM operators_current o
LEFT JOIN selection_models m USING (model_id)
WHERE o.encoder = $encoder AND o.method = $method
ORDER BY o.model_id, m.benchmark;
