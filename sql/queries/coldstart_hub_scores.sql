-- The Open LLM Leaderboard's raw scores of hub id $hub_id (any case) per leaderboard benchmark
-- (leaderboard_hub_scores). For a model that has no results yet.
SELECT benchmark, score
FROM leaderboard_hub_scores
WHERE hub_key = lower($hub_id)
ORDER BY benchmark;
