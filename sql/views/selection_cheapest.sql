-- Per task with measured costs: the best model by predicted success and the cheapest model keeping at least
-- 90 / 95 / 99 % of that success, with what it saves.
CREATE OR REPLACE VIEW selection_cheapest AS
WITH m(margin) AS (VALUES (0.90), (0.95), (0.99)),
best AS (
    SELECT encoder, method, task, arg_max(model_id, (predicted_accuracy, model_id)) AS best_model,
           max(predicted_accuracy) AS best_predicted,
           arg_max(mean_cost_usd, (predicted_accuracy, model_id)) AS best_cost_usd
    FROM cost_frontier
    GROUP BY encoder, method, task
), pick AS (
    SELECT f.encoder, f.method, f.task, f.benchmark, f.category, m.margin,
           arg_min(f.model_id, (f.mean_cost_usd, -f.predicted_accuracy, f.model_id)) AS model_id,
           arg_min(f.predicted_accuracy, (f.mean_cost_usd, -f.predicted_accuracy, f.model_id)) AS predicted_accuracy,
           arg_min(f.observed_accuracy, (f.mean_cost_usd, -f.predicted_accuracy, f.model_id)) AS observed_accuracy,
           min(f.mean_cost_usd) AS mean_cost_usd
    FROM cost_frontier f, m
    WHERE f.share_of_best >= m.margin
    GROUP BY ALL
)
SELECT p.encoder, p.method, p.task, p.benchmark, p.category, p.margin::DOUBLE AS margin,
       b.best_model, b.best_predicted, b.best_cost_usd,
       p.model_id AS cheapest_model, p.predicted_accuracy, p.observed_accuracy, p.mean_cost_usd,
       1.0 - p.mean_cost_usd / nullif(b.best_cost_usd, 0) AS cost_saving
FROM pick p
JOIN best b USING (encoder, method, task);

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW selection_cheapest IS 'Per task with measured costs: the best model by predicted success and the cheapest keeping 90 / 95 / 99 % of it';
COMMENT ON COLUMN selection_cheapest.encoder IS 'encoders.encoder';
COMMENT ON COLUMN selection_cheapest.method IS 'operators.method';
COMMENT ON COLUMN selection_cheapest.task IS '<benchmark> or <benchmark>/<category>';
COMMENT ON COLUMN selection_cheapest.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN selection_cheapest.category IS 'Category; empty string = the whole benchmark';
COMMENT ON COLUMN selection_cheapest.margin IS 'Share of the best predicted success to keep: 0.90, 0.95 or 0.99 (a ratio)';
COMMENT ON COLUMN selection_cheapest.best_model IS 'Model with the highest predicted_accuracy';
COMMENT ON COLUMN selection_cheapest.best_predicted IS 'Its predicted accuracy, fraction in [0, 1]';
COMMENT ON COLUMN selection_cheapest.best_cost_usd IS 'Its mean measured cost per prompt in USD';
COMMENT ON COLUMN selection_cheapest.cheapest_model IS 'Cheapest model with share_of_best >= margin';
COMMENT ON COLUMN selection_cheapest.predicted_accuracy IS 'cheapest_model predicted accuracy, fraction in [0, 1]';
COMMENT ON COLUMN selection_cheapest.observed_accuracy IS 'cheapest_model share correct, fraction in [0, 1]';
COMMENT ON COLUMN selection_cheapest.mean_cost_usd IS 'cheapest_model mean measured cost per prompt in USD';
COMMENT ON COLUMN selection_cheapest.cost_saving IS '1 - mean_cost_usd / best_cost_usd: the FRACTION of the best model cost saved, in [0, 1] (NULL: best cost 0)';
