-- The Open LLM Leaderboard's raw scores (leaderboard_hub_scores) of the models of pool $benchmark with a hub id
-- (models.hub_id, or a name that is one: results ingested as 'Qwen/Qwen2-7B-Instruct' after the leaderboard was),
-- per leaderboard benchmark.
SELECT m.model_id, h.benchmark, h.score
FROM models m
JOIN leaderboard_hub_scores h ON h.hub_key = lower(coalesce(m.hub_id, m.display_name))
WHERE m.model_id IN (SELECT DISTINCT model_id FROM result_labels WHERE pool = $benchmark)
ORDER BY m.model_id, h.benchmark;
