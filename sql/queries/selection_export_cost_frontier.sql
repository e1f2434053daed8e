-- Published table cost_frontier for $encoder / $method, in its fixed order.
SELECT * FROM cost_frontier
WHERE encoder = $encoder AND method = $method
ORDER BY benchmark, category, mean_cost_usd, model_id;
