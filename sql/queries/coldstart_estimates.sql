-- Every current cold-start estimate (pool, model, category; '*' = the whole benchmark first).
SELECT model_id, pool, category, n_evaluations, n_prompts, estimate, lo, hi, observed, estimator, n_known_models,
       watermark, created_at, prior_score, prior_models
FROM coldstart_estimates
ORDER BY pool, model_id, category <> '*', category;
