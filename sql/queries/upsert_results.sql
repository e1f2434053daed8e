-- Write new and changed results; unchanged rows are not touched.
INSERT INTO results (model_id, prompt_id, source, version_id, correct, score, cost_usd, metric, pred,
                     load_id, ingested_at, updated_at)
SELECT model_id, prompt_id, $source, version_id, correct, score, cost_usd, metric, pred, $load_id, $now, $now
FROM stage_class WHERE change <> 'unchanged'
ON CONFLICT (model_id, prompt_id, source) DO UPDATE SET
    version_id = excluded.version_id, correct = excluded.correct, score = excluded.score,
    cost_usd = excluded.cost_usd, metric = excluded.metric, pred = excluded.pred,
    load_id = excluded.load_id, updated_at = excluded.updated_at;
