-- Validation curves of a suite's successful runs, for the plot.
SELECT r.workload, r.label, r.seed, r.metric, e.epoch, e.val_loss, e.val_acc
FROM helu_epochs e
JOIN helu_runs r USING (run_id)
WHERE r.suite_id = $suite_id AND r.status = 'ok'
ORDER BY r.workload, r.label, r.seed, e.epoch;
