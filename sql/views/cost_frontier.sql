-- Quality vs cost per task where costs are measured: each model's mean predicted success and mean measured cost
-- on the task, its share of the best predicted success, and whether it is on the frontier (no other model is
-- at least as good for no more money). Reads base tables only (views are created in file-name order).
CREATE OR REPLACE VIEW cost_frontier AS
WITH obs AS (   -- the label rule: one label per model and prompt
    SELECT model_id, prompt_id, correct::INTEGER AS correct, correct AS observed_correct, cost_usd,
           cost_usd AS observed_cost_usd
    FROM result_labels
), per AS (
    SELECT pr.encoder, pr.method, p.benchmark, nullif(p.category, '') AS category, pr.model_id,
           pr.p_correct, o.correct, o.cost_usd
    FROM prompt_predictions pr
    JOIN prompts p USING (prompt_id)
    JOIN obs o USING (model_id, prompt_id)
    WHERE o.cost_usd IS NOT NULL
), agg AS (
    SELECT encoder, method, benchmark,
           CASE WHEN grouping(category) = 1 THEN '' ELSE category END AS category,
           model_id, count(*) AS n_prompts, avg(p_correct) AS predicted_accuracy,
           avg(correct) AS observed_accuracy, avg(cost_usd) AS mean_cost_usd
    FROM per
    GROUP BY GROUPING SETS ((encoder, method, benchmark, model_id), (encoder, method, benchmark, category, model_id))
    HAVING grouping(category) = 1 OR category IS NOT NULL   -- prompts without a category count in the total only
)
SELECT a.encoder, a.method,
       a.benchmark || CASE WHEN a.category = '' THEN '' ELSE '/' || a.category END AS task,
       a.benchmark, a.category, a.model_id, a.n_prompts, a.predicted_accuracy, a.observed_accuracy, a.mean_cost_usd,
       a.predicted_accuracy / max(a.predicted_accuracy) OVER (PARTITION BY a.encoder, a.method, a.benchmark, a.category)
           AS share_of_best,
       NOT EXISTS (
           SELECT 1 FROM agg b
           WHERE b.encoder = a.encoder AND b.method = a.method AND b.benchmark = a.benchmark
             AND b.category = a.category AND b.model_id <> a.model_id
             AND b.predicted_accuracy >= a.predicted_accuracy AND b.mean_cost_usd <= a.mean_cost_usd
             AND (b.predicted_accuracy > a.predicted_accuracy OR b.mean_cost_usd < a.mean_cost_usd)
       ) AS on_frontier
FROM agg a;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW cost_frontier IS 'Quality vs cost per task where costs are measured, and whether each model is on the frontier';
COMMENT ON COLUMN cost_frontier.encoder IS 'encoders.encoder';
COMMENT ON COLUMN cost_frontier.method IS 'operators.method';
COMMENT ON COLUMN cost_frontier.task IS '<benchmark> or <benchmark>/<category>';
COMMENT ON COLUMN cost_frontier.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN cost_frontier.category IS 'Category; empty string = the whole benchmark';
COMMENT ON COLUMN cost_frontier.model_id IS 'models.model_id';
COMMENT ON COLUMN cost_frontier.n_prompts IS 'Prompts with a measured cost (count)';
COMMENT ON COLUMN cost_frontier.predicted_accuracy IS 'Mean predicted probability of success, fraction in [0, 1]';
COMMENT ON COLUMN cost_frontier.observed_accuracy IS 'Share correct, fraction in [0, 1]';
COMMENT ON COLUMN cost_frontier.mean_cost_usd IS 'Mean measured cost per prompt in USD';
COMMENT ON COLUMN cost_frontier.share_of_best IS 'predicted_accuracy / the best predicted_accuracy of the task: a ratio in [0, 1]';
COMMENT ON COLUMN cost_frontier.on_frontier IS 'No other model is at least as good for no more money';
