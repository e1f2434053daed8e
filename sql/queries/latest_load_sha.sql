-- sha256 of the latest successful load of one input (source, uri).
SELECT sha256 FROM loads
WHERE source = $source AND uri = $uri AND status IN ('ok', 'partial')
ORDER BY load_id DESC LIMIT 1;
