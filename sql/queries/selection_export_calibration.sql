-- Published table selection_calibration for $encoder / $method, in its fixed order.
SELECT * FROM selection_calibration
WHERE encoder = $encoder AND method = $method
ORDER BY benchmark, bin;
