-- The newest known creation time of the releases a source stored (the stop-paging mark); NULL when none.
SELECT max(created_at) FROM model_releases WHERE source = $source;
