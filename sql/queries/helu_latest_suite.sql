-- The most recent suite, optionally only finished ones.
SELECT suite_id, status, quick, runner, device, seeds, n_runs, n_failed, started_at, finished_at
FROM helu_suites
WHERE NOT $finished OR status IN ('ok', 'partial')
ORDER BY started_at DESC
LIMIT 1;
