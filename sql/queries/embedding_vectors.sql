-- Vectors of the keys in the registered table want_keys(key), for one encoder.
SELECT e.text_hash AS key, e.vector
FROM embeddings e
WHERE e.encoder = $encoder AND e.text_hash IN (SELECT key FROM want_keys)
ORDER BY e.text_hash;
