-- Close a pipeline_runs row with the counts of its steps.
UPDATE pipeline_runs SET status = $status, rows_new = $rows_new, rows_updated = $rows_updated,
    embedded = $embedded, operators_refit = $operators_refit, evaluated = $evaluated, published = $published,
    steps = $steps, error = $error, finished_at = $now
WHERE run_id = $run_id;
