-- The published ranking of one task ('benchmark' or 'benchmark/category') for $encoder / $method.
SELECT rank, model_id, n_prompts, predicted_accuracy, n_observed, observed_accuracy, mean_cost_usd, operator_version
FROM selection_by_task
WHERE encoder = $encoder AND method = $method AND task = $task
ORDER BY rank;
