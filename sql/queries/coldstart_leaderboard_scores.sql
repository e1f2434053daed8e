-- The Open LLM Leaderboard's raw scores of the models of pool $benchmark with a hub id (models.hub_id, or a name that
-- is one: results ingested as 'Qwen/Qwen2-7B-Instruct' after the leaderboard was), per leaderboard benchmark; a
-- model with several entries (precisions) gets their mean; flagged entries are left out.
SELECT m.model_id, s.benchmark, avg(s.score_raw) AS score
FROM models m
JOIN leaderboard_models l ON lower(l.hub_id) = lower(coalesce(m.hub_id, m.display_name))
                          AND NOT coalesce(l.flagged, false)
JOIN leaderboard_scores s ON s.eval_name = l.eval_name AND s.score_raw IS NOT NULL
WHERE m.model_id IN (SELECT DISTINCT model_id FROM result_labels WHERE pool = $benchmark)
GROUP BY m.model_id, s.benchmark
ORDER BY m.model_id, s.benchmark;
