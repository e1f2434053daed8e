-- Every hub id the warehouse knows, and whether the leaderboard marks it as from an official provider.
SELECT hub_id, bool_or(official) AS official FROM (
    SELECT hub_id, false AS official FROM model_releases
    UNION ALL
    SELECT hub_id, coalesce(official_providers, false) FROM leaderboard_models
) GROUP BY hub_id ORDER BY hub_id;
