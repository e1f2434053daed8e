-- Encoders in the embeddings table, the one covering most result texts first. An embedding's key is the
-- prompt version's text_hash (text-only encoders) or its version_id (encoders that also embed the options).
WITH keys AS (
    SELECT DISTINCT unnest([pv.text_hash, pv.version_id]) AS key
    FROM results r
    JOIN prompt_versions pv ON pv.prompt_id = r.prompt_id AND pv.version_id = r.version_id
)
SELECT e.encoder, count(*) AS n_texts
FROM embeddings e
JOIN keys k ON k.key = e.text_hash
GROUP BY 1
ORDER BY 2 DESC, 1;
