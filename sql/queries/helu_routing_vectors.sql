-- Embedding vectors of the given texts for one encoder.
SELECT text_hash, vector
FROM embeddings
WHERE encoder = $encoder AND list_contains($text_hashes, text_hash)
ORDER BY text_hash;
