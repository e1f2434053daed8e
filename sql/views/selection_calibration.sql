-- Reliability per pool on held-out prompts: predicted vs observed success in 10 probability bins, and each bin's
-- share of the pool's expected calibration error (ECE = sum of ece_part over a pool's bins).
CREATE OR REPLACE VIEW selection_calibration AS
SELECT encoder, method, benchmark, bin, lo, hi, n, mean_p, observed,
       n::DOUBLE / sum(n) OVER (PARTITION BY encoder, method, benchmark) * abs(observed - mean_p) AS ece_part
FROM heldout_calibration;
