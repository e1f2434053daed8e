-- Store new vectors (from the registered arrow table emb_batch); a key already embedded is left as it is.
INSERT INTO embeddings (text_hash, encoder, dim, vector, created_at, precision)
SELECT key, $encoder, $dim, vector, $now, $precision FROM emb_batch
ON CONFLICT DO NOTHING;
