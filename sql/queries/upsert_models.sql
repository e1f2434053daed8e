-- New models of a load (the first display name seen is kept).
INSERT INTO models (model_id, display_name, first_seen, first_load_id)
SELECT model_id, min(model), $now, $load_id FROM stage GROUP BY model_id
ON CONFLICT (model_id) DO NOTHING;
