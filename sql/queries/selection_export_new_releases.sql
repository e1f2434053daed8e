-- Published table selection_new_releases for $encoder / $method, in its fixed order.
SELECT benchmark, model_id, category, n_evaluations, n_prompts, estimate, lo, hi, observed, estimator,
       n_known_models, routed_share, operator_version, watermark
FROM selection_new_releases
WHERE encoder = $encoder AND method = $method
ORDER BY benchmark, model_id, category <> '*', category;
