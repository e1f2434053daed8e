-- Close a run that is still open (failed or cancelled, with the reason); a closed row is left as it is.
UPDATE pipeline_runs SET status = $status, error = $error, finished_at = $now
WHERE run_id = $run_id AND status IN ('queued', 'running');
