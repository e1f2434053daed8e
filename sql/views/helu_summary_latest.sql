-- helu_summary of the most recent finished suite (status ok or partial).
CREATE OR REPLACE VIEW helu_summary_latest AS
SELECT h.*
FROM helu_summary h
WHERE h.suite_id = (SELECT suite_id FROM helu_suites WHERE status IN ('ok', 'partial')
                    ORDER BY started_at DESC LIMIT 1);

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW helu_summary_latest IS 'helu_summary of the most recent finished suite (status ok or partial)';
COMMENT ON COLUMN helu_summary_latest.suite_id IS 'helu_suites.suite_id';
COMMENT ON COLUMN helu_summary_latest.started_at IS 'helu_suites.started_at (UTC)';
COMMENT ON COLUMN helu_summary_latest.workload IS 'helu_workloads.workload';
COMMENT ON COLUMN helu_summary_latest.family IS 'digits | dying_relu | routing | wrn';
COMMENT ON COLUMN helu_summary_latest.activation IS 'helu_runs.activation';
COMMENT ON COLUMN helu_summary_latest.alpha IS 'HeLU alpha; NULL for other activations';
COMMENT ON COLUMN helu_summary_latest.label IS 'helu_runs.label';
COMMENT ON COLUMN helu_summary_latest.metric IS 'accuracy | mse';
COMMENT ON COLUMN helu_summary_latest.n_seeds IS 'Successful runs (count)';
COMMENT ON COLUMN helu_summary_latest.acc_mean IS 'Mean final validation accuracy, fraction in [0, 1]';
COMMENT ON COLUMN helu_summary_latest.acc_std IS 'Sample std of the final validation accuracy';
COMMENT ON COLUMN helu_summary_latest.best_acc_mean IS 'Mean best validation accuracy, fraction in [0, 1]';
COMMENT ON COLUMN helu_summary_latest.loss_mean IS 'Mean final validation loss (MSE for mse workloads)';
COMMENT ON COLUMN helu_summary_latest.loss_std IS 'Sample std of the final validation loss';
COMMENT ON COLUMN helu_summary_latest.dead_start_mean IS 'Mean dead-unit share at initialisation, fraction in [0, 1]';
COMMENT ON COLUMN helu_summary_latest.dead_end_mean IS 'Mean dead-unit share after training, fraction in [0, 1]';
COMMENT ON COLUMN helu_summary_latest.dead_end_std IS 'Sample std of the dead-unit share after training';
COMMENT ON COLUMN helu_summary_latest.collapse_rate IS 'Share of runs that collapsed, fraction in [0, 1] (NULL outside dying_relu)';
COMMENT ON COLUMN helu_summary_latest.n_collapsed IS 'Runs that collapsed (count)';
COMMENT ON COLUMN helu_summary_latest.n_born_dead IS 'Runs born dead (count)';
COMMENT ON COLUMN helu_summary_latest.n_died_in_training IS 'Runs that died in training (count)';
COMMENT ON COLUMN helu_summary_latest.epoch_s_mean IS 'Mean seconds per epoch';
COMMENT ON COLUMN helu_summary_latest.epoch_s_std IS 'Sample std of seconds per epoch';
