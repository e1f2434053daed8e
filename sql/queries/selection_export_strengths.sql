-- Published table selection_strengths for $encoder / $method, in its fixed order.
SELECT * FROM selection_strengths
WHERE encoder = $encoder AND method = $method
ORDER BY model_id, kind, rank;
