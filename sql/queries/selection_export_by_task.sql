-- Published table selection_by_task for $encoder / $method, in its fixed order.
SELECT * FROM selection_by_task
WHERE encoder = $encoder AND method = $method
ORDER BY benchmark, category, rank;
