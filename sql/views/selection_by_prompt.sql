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
