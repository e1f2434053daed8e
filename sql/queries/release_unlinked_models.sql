-- Results models without a hub id yet.
SELECT model_id, display_name FROM models WHERE hub_id IS NULL ORDER BY model_id;
