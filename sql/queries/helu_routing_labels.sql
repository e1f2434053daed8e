-- Correctness of every model on the first $max_texts embedded texts of one encoder (in key order: a fixed
-- pseudo-random sample). The key is the prompt version's text_hash or version_id, whichever the encoder used;
-- a text a model saw under several sources counts as its mean correctness.
WITH keyed AS (
    SELECT r.model_id, r.correct, unnest([pv.text_hash, pv.version_id]) AS key
    FROM results r
    JOIN prompt_versions pv ON pv.prompt_id = r.prompt_id AND pv.version_id = r.version_id
), texts AS (
    SELECT DISTINCT k.key
    FROM keyed k
    JOIN embeddings e ON e.text_hash = k.key AND e.encoder = $encoder
    ORDER BY k.key
    LIMIT $max_texts
)
SELECT k.key AS text_hash, k.model_id, avg(k.correct::INTEGER)::DOUBLE AS y
FROM keyed k
JOIN texts t ON t.key = k.key
GROUP BY 1, 2
ORDER BY 1, 2;
