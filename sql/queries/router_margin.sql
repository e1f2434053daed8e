-- The routing margin a method tuned in the latest stored evaluation of a split.
SELECT value FROM evaluations
WHERE encoder = $encoder AND split = $split AND method = $method AND metric = 'margin' AND fold = 'mean'
ORDER BY run_id DESC
LIMIT 1;
