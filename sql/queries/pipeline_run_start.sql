-- Open a pipeline_runs row (queued before its turn, or running) owned by this process; returns its id.
INSERT INTO pipeline_runs (run_id, kind, flow_run_id, status, config, started_at, pid, host)
VALUES (nextval('pipeline_run_seq'), $kind, $flow_run_id, $status, $config, $now, $pid, $host)
RETURNING run_id;
