-- Classify staged leaderboard entries: new eval_name, updated (row checksum changed) or unchanged.
CREATE OR REPLACE TEMP TABLE leaderboard_class AS
SELECT s.eval_name,
       CASE WHEN m.eval_name IS NULL THEN 'new'
            WHEN m.row_sha <> s.row_sha THEN 'updated' ELSE 'unchanged' END AS change
FROM leaderboard_stage s LEFT JOIN leaderboard_models m USING (eval_name);
