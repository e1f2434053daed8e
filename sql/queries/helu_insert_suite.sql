-- Record a new benchmark suite as running.
INSERT INTO helu_suites (suite_id, flow_run_id, quick, runner, device, seeds, config, status, started_at)
VALUES ($suite_id, $flow_run_id, $quick, $runner, $device, $seeds, $config::JSON, 'running', $started_at);
