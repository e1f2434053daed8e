-- Every input (format, uri) that a successful load read: the only inputs whose results can be stored.
SELECT DISTINCT source, uri FROM loads WHERE status IN ('ok', 'partial');
