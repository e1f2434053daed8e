-- Each activation minus ReLU on the same suite, workload and seed (same split and initialisation).
-- score is final validation accuracy, or final validation MSE where metric = 'mse'.
CREATE OR REPLACE VIEW helu_vs_relu AS
WITH scored AS (
    SELECT *, CASE WHEN metric = 'mse' THEN final_val_loss ELSE final_val_acc END AS score
    FROM helu_runs WHERE status = 'ok'
)
SELECT
    a.suite_id, a.workload, a.activation, a.alpha, a.label, a.seed, a.metric,
    a.score, b.score AS relu_score, a.score - b.score AS diff,
    a.dead_frac_end - b.dead_frac_end AS dead_end_diff,
    a.collapsed::INTEGER - b.collapsed::INTEGER AS collapse_diff
FROM scored a
JOIN scored b ON b.suite_id = a.suite_id AND b.workload = a.workload AND b.seed = a.seed
             AND b.activation = 'relu'
WHERE a.activation <> 'relu';
