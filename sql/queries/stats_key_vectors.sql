-- Vectors of the delta's keys in key-index order (a key without a vector is missing from the result).
SELECT k.kidx, e.vector
FROM stats_keys k JOIN embeddings e ON e.text_hash = k.key AND e.encoder = $encoder
ORDER BY k.kidx;
