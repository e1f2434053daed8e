-- Published table selection_disagreement for $encoder / $method, in its fixed order.
SELECT * FROM selection_disagreement
WHERE encoder = $encoder AND method = $method
ORDER BY benchmark, rank;
