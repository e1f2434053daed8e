-- Published table selection_routing for $encoder / $method, in its fixed order.
SELECT * FROM selection_routing
WHERE encoder = $encoder AND method = $method
ORDER BY benchmark, policy;
