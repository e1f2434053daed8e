-- Predicted vs observed accuracy per task and model on held-out prompts (operators fitted without them).
CREATE OR REPLACE VIEW selection_heldout AS
SELECT encoder, method,
       benchmark || CASE WHEN category = '' THEN '' ELSE '/' || category END AS task,
       benchmark, category, model_id, n_test, predicted_accuracy, observed_accuracy,
       predicted_accuracy - observed_accuracy AS error
FROM heldout_task_accuracy;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW selection_heldout IS 'Predicted vs observed accuracy per task and model on held-out prompts (operators fitted without them)';
COMMENT ON COLUMN selection_heldout.encoder IS 'encoders.encoder';
COMMENT ON COLUMN selection_heldout.method IS 'operators.method';
COMMENT ON COLUMN selection_heldout.task IS '<benchmark> or <benchmark>/<category>';
COMMENT ON COLUMN selection_heldout.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN selection_heldout.category IS 'Category; empty string = the whole benchmark';
COMMENT ON COLUMN selection_heldout.model_id IS 'models.model_id';
COMMENT ON COLUMN selection_heldout.n_test IS 'Held-out prompts the model answered (count)';
COMMENT ON COLUMN selection_heldout.predicted_accuracy IS 'Mean predicted probability, fraction in [0, 1]';
COMMENT ON COLUMN selection_heldout.observed_accuracy IS 'Share correct, fraction in [0, 1]';
COMMENT ON COLUMN selection_heldout.error IS 'predicted_accuracy minus observed_accuracy (a difference in [-1, 1]; > 0 = overconfident)';
