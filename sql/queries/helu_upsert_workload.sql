-- Set a workload's status in a suite (counts come from helu_runs).
INSERT INTO helu_workloads (suite_id, workload, family, status, reason, n_planned, n_ok, n_failed)
SELECT $suite_id, $workload, $family, $status, $reason, $n_planned,
       count(*) FILTER (WHERE status = 'ok'), count(*) FILTER (WHERE status = 'failed')
FROM helu_runs WHERE suite_id = $suite_id AND workload = $workload
ON CONFLICT (suite_id, workload) DO UPDATE SET
    status = excluded.status, reason = excluded.reason, n_planned = excluded.n_planned,
    n_ok = excluded.n_ok, n_failed = excluded.n_failed;
