-- Published table selection_by_prompt for $encoder / $method, in its fixed order.
SELECT * FROM selection_by_prompt
WHERE encoder = $encoder AND method = $method
ORDER BY prompt_id, rank;
