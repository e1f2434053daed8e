-- Canonical-text vector of every prompt of the benchmarks in $benchmarks under $encoder ($fields: text | text+options).
SELECT p.prompt_id, p.benchmark, e.vector
FROM prompts p
JOIN embeddings e
  ON e.encoder = $encoder
 AND e.text_hash = CASE WHEN $fields = 'text' THEN p.text_hash ELSE p.version_id END
WHERE list_contains($benchmarks, p.benchmark)
ORDER BY p.prompt_id;
