-- How far the results go: the highest load that wrote one, and the latest write time.
SELECT coalesce(max(load_id), 0) AS watermark, max(updated_at) AS watermark_at FROM results;
