-- Replace the predictions of $encoder / $method for the prompts of $pool by the registered tables pred_batch and
-- pred_sets (the other pools' predictions stay as they are).
DELETE FROM prompt_predictions
WHERE encoder = $encoder AND method = $method
  AND prompt_id IN (SELECT prompt_id FROM prompts WHERE benchmark = $pool);
DELETE FROM prediction_sets WHERE encoder = $encoder AND method = $method AND pool = $pool;
INSERT INTO prompt_predictions (model_id, prompt_id, encoder, method, operator_version, score, p_correct, support,
                                outside, routed)
SELECT model_id, prompt_id, $encoder, $method, operator_version, score, p_correct, support, outside, routed
FROM pred_batch;
INSERT INTO prediction_sets
SELECT $encoder, $method, model_id, pool, operator_version, n_prompts, watermark, $now
FROM pred_sets;
