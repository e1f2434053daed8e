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
