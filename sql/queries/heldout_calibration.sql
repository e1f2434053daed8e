-- Reliability of $encoder / $method's probabilities on each pool's held-out prompts (written by publish).
SELECT benchmark AS pool, bin, lo, hi, n, mean_p, observed
FROM heldout_calibration
WHERE encoder = $encoder AND method = $method
ORDER BY benchmark, bin;
