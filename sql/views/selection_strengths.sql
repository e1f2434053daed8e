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
