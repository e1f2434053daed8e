-- Insert new releases and replace the current row of updated ones (first_seen/first_load_id are kept).
INSERT INTO model_releases
SELECT s.hub_id, s.author, s.sha, s.created_at, s.last_modified, s.downloads, s.likes, s.pipeline_tag,
       s.library_name, s.gated, s.private, s.disabled, s.base_models, s.base_model_relation, s.license, s.tags,
       $source, $now, $now, $load_id, $load_id
FROM release_stage s JOIN release_class c USING (hub_id)
WHERE c.change <> 'unchanged'
ON CONFLICT (hub_id) DO UPDATE SET
    author = excluded.author, sha = excluded.sha, created_at = excluded.created_at,
    last_modified = excluded.last_modified, downloads = excluded.downloads, likes = excluded.likes,
    pipeline_tag = excluded.pipeline_tag, library_name = excluded.library_name, gated = excluded.gated,
    private = excluded.private, disabled = excluded.disabled, base_models = excluded.base_models,
    base_model_relation = excluded.base_model_relation, license = excluded.license, tags = excluded.tags,
    source = excluded.source, updated_at = excluded.updated_at, load_id = excluded.load_id;
