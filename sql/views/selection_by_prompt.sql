-- Models ranked for every prompt of their benchmarks by predicted success, with the observed label and cost.
CREATE OR REPLACE VIEW selection_by_prompt AS
WITH obs AS (   -- the label rule: one label per model and prompt
    SELECT model_id, prompt_id, correct::INTEGER AS correct, correct AS observed_correct, cost_usd,
           cost_usd AS observed_cost_usd
    FROM result_labels
)
SELECT pr.encoder, pr.method, p.benchmark, p.category, pr.prompt_id, pr.model_id,
       row_number() OVER (PARTITION BY pr.encoder, pr.method, pr.prompt_id
                          ORDER BY pr.p_correct DESC, pr.model_id) AS rank,
       pr.p_correct, pr.score, pr.support, pr.outside,
       o.observed_correct, o.observed_cost_usd, pr.operator_version,
       coalesce(pr.routed, false) AS routed   -- the pool router's pick: what `taskspace select` serves
FROM prompt_predictions pr
JOIN prompts p USING (prompt_id)
LEFT JOIN obs o USING (model_id, prompt_id);

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW selection_by_prompt IS 'Models ranked for every prompt of their pool by predicted success, with the observed label and cost';
COMMENT ON COLUMN selection_by_prompt.encoder IS 'encoders.encoder';
COMMENT ON COLUMN selection_by_prompt.method IS 'operators.method';
COMMENT ON COLUMN selection_by_prompt.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN selection_by_prompt.category IS 'prompts.category';
COMMENT ON COLUMN selection_by_prompt.prompt_id IS 'prompts.prompt_id';
COMMENT ON COLUMN selection_by_prompt.model_id IS 'models.model_id';
COMMENT ON COLUMN selection_by_prompt.rank IS '1 = the highest p_correct for the prompt';
COMMENT ON COLUMN selection_by_prompt.p_correct IS 'Predicted probability of a correct answer, in [0, 1]';
COMMENT ON COLUMN selection_by_prompt.score IS 'Raw operator score (+1 / -1 label scale, unbounded)';
COMMENT ON COLUMN selection_by_prompt.support IS 'Effective training prompts behind the prediction (>= 0)';
COMMENT ON COLUMN selection_by_prompt.outside IS 'Share of |x|^2 outside the kept eigenspace, fraction in [0, 1]';
COMMENT ON COLUMN selection_by_prompt.observed_correct IS 'The label from result_labels (NULL: no result)';
COMMENT ON COLUMN selection_by_prompt.observed_cost_usd IS 'Measured cost in USD (NULL: not measured)';
COMMENT ON COLUMN selection_by_prompt.operator_version IS 'operators.version';
COMMENT ON COLUMN selection_by_prompt.routed IS 'The pool router pick: what taskspace select serves';
