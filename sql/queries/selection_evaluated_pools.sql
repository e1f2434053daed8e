-- Pools of $encoder / $method that have a stored held-out evaluation.
SELECT DISTINCT benchmark FROM routing_policies WHERE encoder = $encoder AND method = $method ORDER BY 1;
