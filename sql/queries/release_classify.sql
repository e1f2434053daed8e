-- Classify staged releases: new hub id, updated (sha or lastModified changed) or unchanged.
CREATE OR REPLACE TEMP TABLE release_class AS
SELECT s.hub_id,
       CASE WHEN r.hub_id IS NULL THEN 'new'
            WHEN r.sha IS DISTINCT FROM s.sha OR r.last_modified IS DISTINCT FROM s.last_modified THEN 'updated'
            ELSE 'unchanged' END AS change
FROM release_stage s LEFT JOIN model_releases r USING (hub_id);
