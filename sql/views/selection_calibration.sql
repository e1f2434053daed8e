-- Reliability per pool on held-out prompts: predicted vs observed success in 10 probability bins, and each bin's
-- share of the pool's expected calibration error (ECE = sum of ece_part over a pool's bins).
CREATE OR REPLACE VIEW selection_calibration AS
SELECT encoder, method, benchmark, bin, lo, hi, n, mean_p, observed,
       n::DOUBLE / sum(n) OVER (PARTITION BY encoder, method, benchmark) * abs(observed - mean_p) AS ece_part
FROM heldout_calibration;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW selection_calibration IS 'Reliability per pool on held-out prompts in 10 bins; ECE = sum of ece_part over a pool bins';
COMMENT ON COLUMN selection_calibration.encoder IS 'encoders.encoder';
COMMENT ON COLUMN selection_calibration.method IS 'operators.method';
COMMENT ON COLUMN selection_calibration.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN selection_calibration.bin IS '0..9: predicted probability in [bin/10, (bin+1)/10)';
COMMENT ON COLUMN selection_calibration.lo IS 'Lower edge of the bin, in [0, 1]';
COMMENT ON COLUMN selection_calibration.hi IS 'Upper edge of the bin, in [0, 1]';
COMMENT ON COLUMN selection_calibration.n IS 'Held-out (prompt, model) results in the bin (count)';
COMMENT ON COLUMN selection_calibration.mean_p IS 'Mean predicted probability in [0, 1] (NULL: empty bin)';
COMMENT ON COLUMN selection_calibration.observed IS 'Share correct, fraction in [0, 1] (NULL: empty bin)';
COMMENT ON COLUMN selection_calibration.ece_part IS 'The bin share of results times |observed - mean_p|: its part of the expected calibration error, in [0, 1]';
