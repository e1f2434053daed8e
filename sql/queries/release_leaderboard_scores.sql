-- Benchmark scores of the new and updated leaderboard entries.
INSERT INTO leaderboard_scores
SELECT s.eval_name, s.benchmark, s.score_raw, s.score_norm, $load_id
FROM leaderboard_score_stage s JOIN leaderboard_class c USING (eval_name)
WHERE c.change <> 'unchanged'
ON CONFLICT (eval_name, benchmark) DO UPDATE SET
    score_raw = excluded.score_raw, score_norm = excluded.score_norm, load_id = excluded.load_id;
