-- Keep every distinct (sha, lastModified) of the new and updated releases.
INSERT INTO model_release_history
SELECT s.hub_id,
       coalesce(s.sha, '?') || '@' || coalesce(strftime(s.last_modified, '%Y-%m-%dT%H:%M:%S.%f'), '?'),
       s.sha, s.last_modified, s.created_at, s.downloads, s.likes, s.gated, s.license, s.tags, $load_id, $now
FROM release_stage s JOIN release_class c USING (hub_id)
WHERE c.change <> 'unchanged'
ON CONFLICT DO NOTHING;
