-- Models ranked per task (each benchmark, and each of its categories) by mean predicted success, with the
-- observed accuracy and mean measured cost over the same prompts where known.
CREATE OR REPLACE VIEW selection_by_task AS
WITH obs AS (   -- the label rule: one label per model and prompt
    SELECT model_id, prompt_id, correct::INTEGER AS correct, correct AS observed_correct, cost_usd,
           cost_usd AS observed_cost_usd
    FROM result_labels
), per AS (
    SELECT pr.encoder, pr.method, p.benchmark, nullif(p.category, '') AS category, pr.model_id,
           pr.operator_version, pr.p_correct, o.correct, o.cost_usd
    FROM prompt_predictions pr
    JOIN prompts p USING (prompt_id)
    LEFT JOIN obs o USING (model_id, prompt_id)
), agg AS (
    SELECT encoder, method, benchmark,
           CASE WHEN grouping(category) = 1 THEN '' ELSE category END AS category,
           model_id,
           max(operator_version)  AS operator_version,
           count(*)               AS n_prompts,
           avg(p_correct)         AS predicted_accuracy,
           count(correct)         AS n_observed,
           avg(correct)           AS observed_accuracy,
           avg(cost_usd)          AS mean_cost_usd
    FROM per
    GROUP BY GROUPING SETS ((encoder, method, benchmark, model_id), (encoder, method, benchmark, category, model_id))
    HAVING grouping(category) = 1 OR category IS NOT NULL   -- prompts without a category count in the total only
)
SELECT a.encoder, a.method,
       a.benchmark || CASE WHEN a.category = '' THEN '' ELSE '/' || a.category END AS task,
       a.benchmark, a.category,
       row_number() OVER (PARTITION BY a.encoder, a.method, a.benchmark, a.category
                          ORDER BY a.predicted_accuracy DESC, a.model_id) AS rank,
       a.model_id, a.n_prompts, a.predicted_accuracy, a.n_observed, a.observed_accuracy, a.mean_cost_usd,
       a.operator_version,
       coalesce(o.coldstart, false) AS coldstart,
       o.n                          AS n_evaluations
FROM agg a
LEFT JOIN operators_current o
       ON o.model_id = a.model_id AND o.encoder = a.encoder AND o.method = a.method AND o.pool = a.benchmark;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW selection_by_task IS 'Models ranked per task (benchmark and each category) by mean predicted success';
COMMENT ON COLUMN selection_by_task.encoder IS 'encoders.encoder';
COMMENT ON COLUMN selection_by_task.method IS 'operators.method';
COMMENT ON COLUMN selection_by_task.task IS '<benchmark> or <benchmark>/<category>';
COMMENT ON COLUMN selection_by_task.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN selection_by_task.category IS 'Category; empty string = the whole benchmark';
COMMENT ON COLUMN selection_by_task.model_id IS 'models.model_id';
COMMENT ON COLUMN selection_by_task.rank IS '1 = the highest predicted_accuracy of the task';
COMMENT ON COLUMN selection_by_task.n_prompts IS 'Prompts predicted (count)';
COMMENT ON COLUMN selection_by_task.predicted_accuracy IS 'Mean predicted probability of success, fraction in [0, 1]';
COMMENT ON COLUMN selection_by_task.n_observed IS 'Prompts with an observed label (count)';
COMMENT ON COLUMN selection_by_task.observed_accuracy IS 'Share correct over the observed prompts, fraction in [0, 1]';
COMMENT ON COLUMN selection_by_task.mean_cost_usd IS 'Mean measured cost per prompt in USD (NULL: not measured)';
COMMENT ON COLUMN selection_by_task.operator_version IS 'operators.version (the highest if several)';
COMMENT ON COLUMN selection_by_task.coldstart IS 'True: a cold-start model (placed from a few planned evaluations, taskspace coldstart plan); its predictions carry more uncertainty';
COMMENT ON COLUMN selection_by_task.n_evaluations IS 'Results its operator is fitted on in this benchmark (count)';
