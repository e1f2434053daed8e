-- Replace the cold-start estimates of pool $pool by the registered arrow table est_batch.
DELETE FROM coldstart_estimates WHERE pool = $pool;
INSERT INTO coldstart_estimates (model_id, pool, category, n_evaluations, n_prompts, estimate, lo, hi, observed,
                                 estimator, n_known_models, watermark, created_at, prior_score,
                                 prior_models)
SELECT model_id, $pool, category, n_evaluations, n_prompts, estimate, lo, hi, observed, estimator, n_known_models,
       watermark, $now, prior_score, prior_models
FROM est_batch;
