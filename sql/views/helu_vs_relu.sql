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

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW helu_vs_relu IS 'Each activation minus ReLU on the same suite, workload and seed';
COMMENT ON COLUMN helu_vs_relu.suite_id IS 'helu_suites.suite_id';
COMMENT ON COLUMN helu_vs_relu.workload IS 'helu_workloads.workload';
COMMENT ON COLUMN helu_vs_relu.activation IS 'helu_runs.activation (never relu)';
COMMENT ON COLUMN helu_vs_relu.alpha IS 'HeLU alpha; NULL for other activations';
COMMENT ON COLUMN helu_vs_relu.label IS 'helu_runs.label';
COMMENT ON COLUMN helu_vs_relu.seed IS 'The shared seed';
COMMENT ON COLUMN helu_vs_relu.metric IS 'accuracy | mse';
COMMENT ON COLUMN helu_vs_relu.score IS 'Final validation accuracy (fraction in [0, 1]), or final validation MSE where metric = mse';
COMMENT ON COLUMN helu_vs_relu.relu_score IS 'The same for ReLU on the same seed';
COMMENT ON COLUMN helu_vs_relu.diff IS 'score minus relu_score (a difference, metric units)';
COMMENT ON COLUMN helu_vs_relu.dead_end_diff IS 'Dead-unit share after training minus ReLU (a difference in [-1, 1])';
COMMENT ON COLUMN helu_vs_relu.collapse_diff IS 'collapsed minus ReLU collapsed: -1, 0 or +1';
