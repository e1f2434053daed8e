-- For each model, the 10 prompts it is predicted strongest and weakest on relative to the other models of its
-- pool (advantage = its predicted success minus the pool's mean on that prompt).
CREATE OR REPLACE VIEW selection_strengths AS
WITH adv AS (
    SELECT encoder, method, prompt_id, model_id, p_correct,
           p_correct - avg(p_correct) OVER (PARTITION BY encoder, method, prompt_id) AS advantage
    FROM prompt_predictions
), ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY encoder, method, model_id ORDER BY advantage DESC, prompt_id) AS r_top,
           row_number() OVER (PARTITION BY encoder, method, model_id ORDER BY advantage ASC, prompt_id) AS r_bottom
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
COMMENT ON VIEW selection_strengths IS 'For each model, the 10 prompts it is predicted strongest and weakest on relative to its pool';
COMMENT ON COLUMN selection_strengths.encoder IS 'encoders.encoder';
COMMENT ON COLUMN selection_strengths.method IS 'operators.method';
COMMENT ON COLUMN selection_strengths.model_id IS 'models.model_id';
COMMENT ON COLUMN selection_strengths.kind IS 'strongest | weakest';
COMMENT ON COLUMN selection_strengths.rank IS '1..10 within kind';
COMMENT ON COLUMN selection_strengths.prompt_id IS 'prompts.prompt_id';
COMMENT ON COLUMN selection_strengths.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN selection_strengths.category IS 'prompts.category';
COMMENT ON COLUMN selection_strengths.text IS 'First 160 characters of the prompt text';
COMMENT ON COLUMN selection_strengths.p_correct IS 'Predicted probability of a correct answer, in [0, 1]';
COMMENT ON COLUMN selection_strengths.advantage IS 'p_correct minus the mean p_correct of the models on the prompt (a difference in [-1, 1])';
