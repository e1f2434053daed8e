-- Replace the predictions of $encoder / $method by the registered tables pred_batch and pred_sets.
DELETE FROM prompt_predictions WHERE encoder = $encoder AND method = $method;
DELETE FROM prediction_sets WHERE encoder = $encoder AND method = $method;
INSERT INTO prompt_predictions (model_id, prompt_id, encoder, method, operator_version, score, p_correct, support,
                                outside, routed)
SELECT model_id, prompt_id, $encoder, $method, operator_version, score, p_correct, support, outside, routed
FROM pred_batch;
INSERT INTO prediction_sets
SELECT $encoder, $method, model_id, pool, operator_version, n_prompts, watermark, $now
FROM pred_sets;
