-- Published table selection_heldout for $encoder / $method, in its fixed order.
SELECT * FROM selection_heldout
WHERE encoder = $encoder AND method = $method
ORDER BY benchmark, category, model_id;
