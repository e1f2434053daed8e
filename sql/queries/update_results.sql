-- Write the changed results of a batch of loads (their old values went to result_changes first).
UPDATE results SET version_id = s.version_id, correct = s.correct, score = s.score, cost_usd = s.cost_usd,
                   metric = s.metric, pred = s.pred, answered = s.answered,
                   load_id = s.load_id, updated_at = $now
FROM stage_class s
WHERE s.change = 'updated' AND results.model_id = s.model_id AND results.prompt_id = s.prompt_id
  AND results.source = s.source;
