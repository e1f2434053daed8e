-- results.source keeps the input a result came from ('<format>:<input name>'), not only its format, so two files
-- of one format never overwrite each other's results; result_labels picks one label per (model, prompt).
-- Existing rows are named after the input of the load that last wrote them.
UPDATE results AS r SET source = r.source || ':' || regexp_extract(l.uri, '([^/?#]+)/?(?:[?#].*)?$', 1)
FROM loads l
WHERE l.load_id = r.load_id AND position(':' IN r.source) = 0;
UPDATE result_changes AS c SET source = c.source || ':' || regexp_extract(l.uri, '([^/?#]+)/?(?:[?#].*)?$', 1)
FROM loads l
WHERE l.load_id = c.load_id AND position(':' IN c.source) = 0;
