-- Open runs owned by processes on this host (to find those whose process is gone).
SELECT run_id, pid FROM pipeline_runs WHERE status IN ('queued', 'running') AND host = $host AND pid IS NOT NULL;
