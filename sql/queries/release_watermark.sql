-- The newest known creation time of the releases a source stored (the stop-paging mark); NULL when none.
-- Rows dated after $now (stored before future dates were refused) never move the mark past today.
SELECT max(created_at) FROM model_releases WHERE source = $source AND created_at <= $now;
