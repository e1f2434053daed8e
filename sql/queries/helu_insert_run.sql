-- One benchmark run (its epochs go to helu_epochs in the same transaction).
INSERT INTO helu_runs (run_id, suite_id, workload, family, activation, alpha, label, seed, device, status, error,
    metric, final_val_acc, best_val_acc, final_val_loss, best_val_loss, dead_frac_start, dead_frac_end,
    dead_layers_start, dead_layers_end, collapsed, born_dead, died_in_training, time_per_epoch_s, epochs, wall_s,
    config, created_at)
VALUES ($run_id, $suite_id, $workload, $family, $activation, $alpha, $label, $seed, $device, $status, $error,
    $metric, $final_val_acc, $best_val_acc, $final_val_loss, $best_val_loss, $dead_frac_start, $dead_frac_end,
    $dead_layers_start, $dead_layers_end, $collapsed, $born_dead, $died_in_training, $time_per_epoch_s, $epochs,
    $wall_s, $config::JSON, $created_at);
