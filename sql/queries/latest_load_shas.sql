-- Per input of one source: the sha256 and remote sha of its latest successful load.
SELECT uri, sha256, remote_sha
FROM loads
WHERE source = $source AND status IN ('ok', 'partial')
QUALIFY row_number() OVER (PARTITION BY uri ORDER BY load_id DESC) = 1;
