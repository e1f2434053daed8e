-- Predictions of $encoder / $method for pools that no longer have current operators (not in $pools).
DELETE FROM prompt_predictions
WHERE encoder = $encoder AND method = $method
  AND prompt_id IN (SELECT prompt_id FROM prompts WHERE NOT list_contains($pools, benchmark));
DELETE FROM prediction_sets WHERE encoder = $encoder AND method = $method AND NOT list_contains($pools, pool);
