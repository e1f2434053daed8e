-- Predicted vs observed accuracy per task and model on held-out prompts (operators fitted without them).
CREATE OR REPLACE VIEW selection_heldout AS
SELECT encoder, method,
       benchmark || CASE WHEN category = '' THEN '' ELSE '/' || category END AS task,
       benchmark, category, model_id, n_test, predicted_accuracy, observed_accuracy,
       predicted_accuracy - observed_accuracy AS error
FROM heldout_task_accuracy;
