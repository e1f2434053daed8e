-- Classify staged result rows against what is stored under their source: new, updated (any value differs) or
-- unchanged. The prompt text stays in the stage.
CREATE OR REPLACE TEMP TABLE stage_class AS
SELECT s.load_id, s.source, s.model_id, s.prompt_id, s.version_id, s.correct, s.score, s.cost_usd, s.metric, s.pred,
       s.answered,
       r.version_id AS old_version_id, r.correct AS old_correct,
       CASE WHEN r.model_id IS NULL THEN 'new'
            WHEN r.version_id IS DISTINCT FROM s.version_id OR r.correct IS DISTINCT FROM s.correct
              OR r.score IS DISTINCT FROM s.score OR r.cost_usd IS DISTINCT FROM s.cost_usd
              OR r.metric IS DISTINCT FROM s.metric OR r.pred IS DISTINCT FROM s.pred
              OR r.answered IS DISTINCT FROM s.answered THEN 'updated'
            ELSE 'unchanged' END AS change
FROM stage s
LEFT JOIN results r
  ON r.model_id = s.model_id AND r.prompt_id = s.prompt_id AND r.source = s.source;
