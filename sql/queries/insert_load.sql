-- One row of the load log.
INSERT INTO loads (load_id, source, uri, sha256, status, rows_new, rows_updated, rows_skipped, rows_rejected,
                   error, started_at, finished_at)
VALUES ($load_id, $source, $uri, $sha256, $status, $rows_new, $rows_updated, $rows_skipped, $rows_rejected,
        $error, $started_at, $finished_at);
