-- The remote (git blob) sha recorded by the latest successful load of one input, if any.
SELECT remote_sha FROM loads
WHERE source = $source AND uri = $uri AND status IN ('ok', 'partial')
ORDER BY load_id DESC LIMIT 1;
