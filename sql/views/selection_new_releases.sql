-- New releases: every cold-start model (operators.coldstart) with its estimated accuracy and interval per benchmark
-- ('*') and category, the evaluations behind it, and the share of the pool's prompts its pool router sends to it.
CREATE OR REPLACE VIEW selection_new_releases AS
WITH routed AS (
    SELECT pp.model_id, pp.encoder, pp.method, pp.operator_version, p.benchmark,
           coalesce(coalesce(p.category, p.benchmark), '*') AS category,
           grouping(coalesce(p.category, p.benchmark)) AS whole,
           avg(CASE WHEN pp.routed THEN 1.0 ELSE 0.0 END) AS routed_share
    FROM prompt_predictions pp
    JOIN prompts p USING (prompt_id)
    GROUP BY GROUPING SETS ((pp.model_id, pp.encoder, pp.method, pp.operator_version, p.benchmark,
                             coalesce(p.category, p.benchmark)),
                            (pp.model_id, pp.encoder, pp.method, pp.operator_version, p.benchmark))
)
SELECT o.encoder, o.method, e.pool AS benchmark, e.model_id, e.category, e.n_evaluations, e.n_prompts,
       e.estimate, e.lo, e.hi, e.observed, e.estimator, e.n_known_models, r.routed_share,
       o.version AS operator_version, e.watermark, e.prior_score, e.prior_models
FROM coldstart_estimates e
JOIN operators_current o ON o.model_id = e.model_id AND o.pool = e.pool AND o.coldstart
LEFT JOIN routed r ON r.model_id = e.model_id AND r.encoder = o.encoder AND r.method = o.method
                  AND r.operator_version = o.version AND r.benchmark = e.pool
                  AND (CASE WHEN e.category = '*' THEN r.whole = 1 ELSE r.whole = 0 AND r.category = e.category END);

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW selection_new_releases IS 'Cold-start models: estimated benchmark and per-category accuracy with a 95 % interval, evaluations behind it, routed-to share';
COMMENT ON COLUMN selection_new_releases.encoder IS 'encoders.encoder';
COMMENT ON COLUMN selection_new_releases.method IS 'operators.method';
COMMENT ON COLUMN selection_new_releases.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN selection_new_releases.model_id IS 'models.model_id';
COMMENT ON COLUMN selection_new_releases.category IS 'prompts.category, or * for the whole benchmark';
COMMENT ON COLUMN selection_new_releases.n_evaluations IS 'Results of the model behind the estimate (count)';
COMMENT ON COLUMN selection_new_releases.n_prompts IS 'Prompts the estimate is over (count)';
COMMENT ON COLUMN selection_new_releases.estimate IS 'Estimated accuracy, fraction in [0, 1] (coldstart_estimates.estimate)';
COMMENT ON COLUMN selection_new_releases.lo IS 'Lower end of the 95 % interval, fraction in [0, 1]';
COMMENT ON COLUMN selection_new_releases.hi IS 'Upper end of the 95 % interval, fraction in [0, 1]';
COMMENT ON COLUMN selection_new_releases.observed IS 'Accuracy on the evaluated prompts alone, fraction in [0, 1]';
COMMENT ON COLUMN selection_new_releases.estimator IS 'coldstart_estimates.estimator';
COMMENT ON COLUMN selection_new_releases.n_known_models IS 'Models with full results the estimate learnt from (count)';
COMMENT ON COLUMN selection_new_releases.routed_share IS 'Share of the prompts (of the benchmark or category) the pool router sends to it, fraction in [0, 1]; NULL before publish materialises predictions';
COMMENT ON COLUMN selection_new_releases.operator_version IS 'operators.version of its cold-start operator';
COMMENT ON COLUMN selection_new_releases.watermark IS 'Highest results.load_id folded in at the estimate';
COMMENT ON COLUMN selection_new_releases.prior_score IS 'coldstart_estimates.prior_score: the leaderboard score behind its ability prior; NULL: none';
COMMENT ON COLUMN selection_new_releases.prior_models IS 'coldstart_estimates.prior_models';
