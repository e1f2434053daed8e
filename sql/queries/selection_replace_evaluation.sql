-- Replace the held-out evaluation of $benchmark / $encoder / $method by the registered tables eval_policies
-- and eval_heldout.
DELETE FROM routing_policies WHERE benchmark = $benchmark AND encoder = $encoder AND method = $method;
DELETE FROM heldout_task_accuracy WHERE benchmark = $benchmark AND encoder = $encoder AND method = $method;
INSERT INTO routing_policies
SELECT $benchmark, $encoder, $method, policy, margin, split, n_train, n_test, expected_accuracy,
       observed_accuracy, expected_cost_usd, mean_cost_usd, top_model, top_model_share, $watermark
FROM eval_policies;
INSERT INTO heldout_task_accuracy
SELECT $benchmark, category, model_id, $encoder, $method, n_test, predicted_accuracy, observed_accuracy
FROM eval_heldout;
DELETE FROM heldout_calibration WHERE benchmark = $benchmark AND encoder = $encoder AND method = $method;
INSERT INTO heldout_calibration
SELECT $benchmark, $encoder, $method, bin, lo, hi, n, mean_p, observed
FROM eval_calibration;
