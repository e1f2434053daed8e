-- How many distinct texts have no vector for $encoder, and how many prompts they cover.
WITH keyed AS (
    SELECT CASE WHEN $fields = 'text' THEN text_hash ELSE version_id END AS key, prompt_id
    FROM prompt_versions
), missing AS (
    SELECT * FROM keyed k
    WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.encoder = $encoder AND e.text_hash = k.key)
)
SELECT count(DISTINCT key) AS texts, count(DISTINCT prompt_id) AS prompts FROM missing;
