-- Published table model_similarity for $encoder / $method, in its fixed order.
SELECT * FROM model_similarity
WHERE encoder = $encoder AND method = $method
ORDER BY model_a, model_b;
