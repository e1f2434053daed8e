-- Record the remote (git blob) sha of an input on its latest successful load.
UPDATE loads SET remote_sha = $remote_sha
WHERE load_id = (SELECT max(load_id) FROM loads
                 WHERE source = $source AND uri = $uri AND status IN ('ok', 'partial'));
