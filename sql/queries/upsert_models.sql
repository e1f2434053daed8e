-- New models of a batch of loads (the first display name seen is kept: earliest load, then smallest name).
INSERT INTO models (model_id, display_name, first_seen, first_load_id)
SELECT model_id, first(model ORDER BY load_id, model), $now, min(load_id) FROM stage GROUP BY model_id
ON CONFLICT (model_id) DO NOTHING;
