-- Every run of a suite (for publishing).
SELECT run_id, workload, family, activation, alpha, label, seed, status, metric, final_val_acc, best_val_acc,
       final_val_loss, dead_frac_end, collapsed, born_dead, died_in_training, time_per_epoch_s
FROM helu_runs
WHERE suite_id = $suite_id
ORDER BY workload, label, seed;
