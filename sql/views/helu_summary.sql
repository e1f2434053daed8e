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
