-- Per suite, workload and activation: mean and std over seeds of the successful runs.
CREATE OR REPLACE VIEW helu_summary AS
SELECT
    r.suite_id, s.started_at, r.workload, r.family, r.activation, r.alpha, r.label, any_value(r.metric) AS metric,
    count(*)                                    AS n_seeds,
    avg(r.final_val_acc)                        AS acc_mean,
    stddev_samp(r.final_val_acc)                AS acc_std,
    avg(r.best_val_acc)                         AS best_acc_mean,
    avg(r.final_val_loss)                       AS loss_mean,
    stddev_samp(r.final_val_loss)               AS loss_std,
    avg(r.dead_frac_start)                      AS dead_start_mean,
    avg(r.dead_frac_end)                        AS dead_end_mean,
    stddev_samp(r.dead_frac_end)                AS dead_end_std,
    avg(r.collapsed::INTEGER)                   AS collapse_rate,
    count(*) FILTER (WHERE r.collapsed)         AS n_collapsed,
    count(*) FILTER (WHERE r.born_dead)         AS n_born_dead,
    count(*) FILTER (WHERE r.died_in_training)  AS n_died_in_training,
    avg(r.time_per_epoch_s)                     AS epoch_s_mean,
    stddev_samp(r.time_per_epoch_s)             AS epoch_s_std
FROM helu_runs r
JOIN helu_suites s USING (suite_id)
WHERE r.status = 'ok'
GROUP BY ALL;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW helu_summary IS 'Per suite, workload and activation: mean and std over seeds of the successful HeLU runs';
COMMENT ON COLUMN helu_summary.suite_id IS 'helu_suites.suite_id';
COMMENT ON COLUMN helu_summary.started_at IS 'helu_suites.started_at (UTC)';
COMMENT ON COLUMN helu_summary.workload IS 'helu_workloads.workload';
COMMENT ON COLUMN helu_summary.family IS 'digits | dying_relu | routing | wrn';
COMMENT ON COLUMN helu_summary.activation IS 'helu_runs.activation';
COMMENT ON COLUMN helu_summary.alpha IS 'HeLU alpha; NULL for other activations';
COMMENT ON COLUMN helu_summary.label IS 'helu_runs.label';
COMMENT ON COLUMN helu_summary.metric IS 'accuracy | mse';
COMMENT ON COLUMN helu_summary.n_seeds IS 'Successful runs (count)';
COMMENT ON COLUMN helu_summary.acc_mean IS 'Mean final validation accuracy, fraction in [0, 1]';
COMMENT ON COLUMN helu_summary.acc_std IS 'Sample std of the final validation accuracy';
COMMENT ON COLUMN helu_summary.best_acc_mean IS 'Mean best validation accuracy, fraction in [0, 1]';
COMMENT ON COLUMN helu_summary.loss_mean IS 'Mean final validation loss (MSE for mse workloads)';
COMMENT ON COLUMN helu_summary.loss_std IS 'Sample std of the final validation loss';
COMMENT ON COLUMN helu_summary.dead_start_mean IS 'Mean dead-unit share at initialisation, fraction in [0, 1]';
COMMENT ON COLUMN helu_summary.dead_end_mean IS 'Mean dead-unit share after training, fraction in [0, 1]';
COMMENT ON COLUMN helu_summary.dead_end_std IS 'Sample std of the dead-unit share after training';
COMMENT ON COLUMN helu_summary.collapse_rate IS 'Share of runs that collapsed, fraction in [0, 1] (NULL outside dying_relu)';
COMMENT ON COLUMN helu_summary.n_collapsed IS 'Runs that collapsed (count)';
COMMENT ON COLUMN helu_summary.n_born_dead IS 'Runs born dead (count)';
COMMENT ON COLUMN helu_summary.n_died_in_training IS 'Runs that died in training (count)';
COMMENT ON COLUMN helu_summary.epoch_s_mean IS 'Mean seconds per epoch';
COMMENT ON COLUMN helu_summary.epoch_s_std IS 'Sample std of seconds per epoch';
