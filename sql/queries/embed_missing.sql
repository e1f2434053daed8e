-- One page of texts that have no vector for $encoder yet, in key order after $after ($fields: text | text+options).
WITH keyed AS (
    SELECT CASE WHEN $fields = 'text' THEN text_hash ELSE version_id END AS key, text, options
    FROM prompt_versions
)
SELECT key, min(text) AS text, min(options) AS options
FROM keyed k
WHERE key > $after
  AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.encoder = $encoder AND e.text_hash = k.key)
GROUP BY key
ORDER BY key
LIMIT $limit;
