-- The data watermark: the highest load id that wrote results (0 when empty).
SELECT coalesce(max(load_id), 0) AS watermark FROM results;
