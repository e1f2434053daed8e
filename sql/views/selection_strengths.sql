-- For each model, the 10 prompts it is predicted strongest and weakest on relative to the other models of its
-- pool (advantage = its predicted success minus the pool's mean on that prompt). Strongest: prompts where the model
-- is more likely right than wrong (p >= 0.5) and above the pool mean; weakest: p < 0.5 and below it.
CREATE OR REPLACE VIEW selection_strengths AS
WITH adv AS (
    SELECT encoder, method, prompt_id, model_id, p_correct,
           p_correct - avg(p_correct) OVER (PARTITION BY encoder, method, prompt_id) AS advantage
    FROM prompt_predictions
), ranked AS (
    SELECT *,
           CASE WHEN p_correct >= 0.5 AND advantage > 0 THEN row_number() OVER (
               PARTITION BY encoder, method, model_id, p_correct >= 0.5 AND advantage > 0
               ORDER BY advantage DESC, prompt_id) END AS r_top,
           CASE WHEN p_correct < 0.5 AND advantage < 0 THEN row_number() OVER (
               PARTITION BY encoder, method, model_id, p_correct < 0.5 AND advantage < 0
               ORDER BY advantage ASC, prompt_id) END AS r_bottom
    FROM adv
)
SELECT r.encoder, r.method, r.model_id,
       CASE WHEN r.r_top <= 10 THEN 'strongest' ELSE 'weakest' END AS kind,
       CASE WHEN r.r_top <= 10 THEN r.r_top ELSE r.r_bottom END AS rank,
       r.prompt_id, p.benchmark, p.category, left(p.text, 160) AS text, r.p_correct, r.advantage
FROM ranked r
JOIN prompts p USING (prompt_id)
WHERE r.r_top <= 10 OR r.r_bottom <= 10;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW selection_strengths IS 'For each model, the 10 prompts it is predicted strongest (p >= 0.5, above the pool mean) and weakest (p < 0.5, below it) on';
COMMENT ON COLUMN selection_strengths.encoder IS 'encoders.encoder';
COMMENT ON COLUMN selection_strengths.method IS 'operators.method';
COMMENT ON COLUMN selection_strengths.model_id IS 'models.model_id';
COMMENT ON COLUMN selection_strengths.kind IS 'strongest (p_correct >= 0.5 and advantage > 0) | weakest (p_correct < 0.5 and advantage < 0)';
COMMENT ON COLUMN selection_strengths.rank IS '1..10 within kind';
COMMENT ON COLUMN selection_strengths.prompt_id IS 'prompts.prompt_id';
COMMENT ON COLUMN selection_strengths.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN selection_strengths.category IS 'prompts.category';
COMMENT ON COLUMN selection_strengths.text IS 'First 160 characters of the prompt text';
COMMENT ON COLUMN selection_strengths.p_correct IS 'Predicted probability of a correct answer, in [0, 1]';
COMMENT ON COLUMN selection_strengths.advantage IS 'p_correct minus the mean p_correct of the models on the prompt (a difference in [-1, 1])';
