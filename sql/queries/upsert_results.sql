-- Write the new results of a batch of loads (changed ones: update_results; unchanged rows are not touched).
INSERT INTO results (model_id, prompt_id, source, version_id, correct, score, cost_usd, metric, pred, answered,
                     load_id, ingested_at, updated_at)
SELECT model_id, prompt_id, source, version_id, correct, score, cost_usd, metric, pred, answered, load_id, $now, $now
FROM stage_class WHERE change = 'new';
