-- Set models.hub_id from the staged links, only where none is set yet (a link is never overwritten).
UPDATE models SET hub_id = l.hub_id
FROM link_stage l
WHERE models.model_id = l.model_id AND models.hub_id IS NULL;
