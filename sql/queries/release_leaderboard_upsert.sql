-- Insert new leaderboard entries and replace changed ones (first_seen/first_load_id are kept).
INSERT INTO leaderboard_models
SELECT s.eval_name, s.hub_id, s.precision, s.model_type, s.weight_type, s.architecture, s.model_sha,
       s.params_b, s.license, s.hub_likes, s.average, s.available_on_hub, s.moe, s.flagged, s.chat_template,
       s.merged, s.official_providers, s.co2_kg, s.upload_date, s.submission_date, s.generation, s.base_model,
       s.row_sha, $now, $now, $load_id, $load_id
FROM leaderboard_stage s JOIN leaderboard_class c USING (eval_name)
WHERE c.change <> 'unchanged'
ON CONFLICT (eval_name) DO UPDATE SET
    hub_id = excluded.hub_id, precision = excluded.precision, model_type = excluded.model_type,
    weight_type = excluded.weight_type, architecture = excluded.architecture, model_sha = excluded.model_sha,
    params_b = excluded.params_b, license = excluded.license, hub_likes = excluded.hub_likes,
    average = excluded.average, available_on_hub = excluded.available_on_hub, moe = excluded.moe,
    flagged = excluded.flagged, chat_template = excluded.chat_template, merged = excluded.merged,
    official_providers = excluded.official_providers, co2_kg = excluded.co2_kg,
    upload_date = excluded.upload_date, submission_date = excluded.submission_date,
    generation = excluded.generation, base_model = excluded.base_model, row_sha = excluded.row_sha,
    updated_at = excluded.updated_at, load_id = excluded.load_id;
