-- Published table selection_cheapest for $encoder / $method, in its fixed order.
SELECT * FROM selection_cheapest
WHERE encoder = $encoder AND method = $method
ORDER BY benchmark, category, margin;
