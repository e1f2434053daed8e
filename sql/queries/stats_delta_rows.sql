-- The delta as integer arrays: unit index, key index, label, weight (by unit, then key).
SELECT m.midx, k.kidx, d.y, d.w
FROM stats_delta d JOIN stats_models m USING (model_id, pool) JOIN stats_keys k USING (key)
ORDER BY m.midx, k.kidx, d.y, d.w;
