-- Warehouse totals of models, prompts and results (the summary of `ingest results`).
SELECT (SELECT count(*) FROM models), (SELECT count(*) FROM prompts), (SELECT count(*) FROM results);
