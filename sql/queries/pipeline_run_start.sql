-- Open a pipeline_runs row; returns its id.
INSERT INTO pipeline_runs (run_id, kind, flow_run_id, status, config, started_at)
VALUES (nextval('pipeline_run_seq'), $kind, $flow_run_id, 'running', $config, $now)
RETURNING run_id;
