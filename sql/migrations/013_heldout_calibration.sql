-- Reliability of the served method's probabilities on each pool's held-out prompts (operators fitted without them):
-- 10 equal-width bins of predicted P(correct), the mean prediction and the observed accuracy in each.
CREATE TABLE heldout_calibration (
    benchmark   VARCHAR NOT NULL,
    encoder     VARCHAR NOT NULL,
    method      VARCHAR NOT NULL,
    bin         INTEGER NOT NULL,          -- 0..9: predicted probability in [bin/10, (bin+1)/10)
    lo          DOUBLE NOT NULL,
    hi          DOUBLE NOT NULL,
    n           BIGINT NOT NULL,           -- held-out (prompt, model) results in the bin
    mean_p      DOUBLE,                    -- mean predicted probability (NULL: empty bin)
    observed    DOUBLE,                    -- share correct (NULL: empty bin)
    PRIMARY KEY (benchmark, encoder, method, bin)
);
