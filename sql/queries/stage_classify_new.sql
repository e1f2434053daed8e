-- stage_classify for a batch whose results sources hold no rows yet (inputs never loaded): every row is new.
CREATE OR REPLACE TEMP TABLE stage_class AS
SELECT s.load_id, s.source, s.model_id, s.prompt_id, s.version_id, s.correct, s.score, s.cost_usd, s.metric, s.pred,
       s.answered,
       NULL::VARCHAR AS old_version_id, NULL::BOOLEAN AS old_correct, 'new' AS change
FROM stage s;
