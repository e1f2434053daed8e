-- Close a suite: its status and run counts.
UPDATE helu_suites
SET status = $status, finished_at = $finished_at,
    n_runs = (SELECT count(*) FROM helu_runs WHERE suite_id = $suite_id),
    n_failed = (SELECT count(*) FROM helu_runs WHERE suite_id = $suite_id AND status = 'failed')
WHERE suite_id = $suite_id;
