-- Warehouse totals of releases and leaderboard rows (the summary of `ingest releases`).
SELECT (SELECT count(*) FROM model_releases), (SELECT count(*) FROM model_release_history),
       (SELECT count(*) FROM leaderboard_models), (SELECT count(*) FROM leaderboard_scores);
