-- The Open LLM Leaderboard's raw scores of hub id $hub_id (any case) per leaderboard benchmark: the mean over its
-- entries (precisions); flagged entries are left out. For a model that has no results yet.
SELECT s.benchmark, avg(s.score_raw) AS score
FROM leaderboard_models l
JOIN leaderboard_scores s ON s.eval_name = l.eval_name AND s.score_raw IS NOT NULL
WHERE lower(l.hub_id) = lower($hub_id) AND NOT coalesce(l.flagged, false)
GROUP BY s.benchmark
ORDER BY s.benchmark;
