-- A queued run got its turn: running, with its Prefect flow run.
UPDATE pipeline_runs SET status = 'running', flow_run_id = coalesce($flow_run_id, flow_run_id)
WHERE run_id = $run_id AND status IN ('queued', 'running');
