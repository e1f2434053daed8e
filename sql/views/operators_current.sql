-- The latest fit of every (model, encoder, method, pool); fits from before pools (pool NULL) are history only.
CREATE OR REPLACE VIEW operators_current AS
SELECT * FROM operators
WHERE pool IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY model_id, encoder, method, pool ORDER BY version DESC) = 1;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW operators_current IS 'The latest fit of every (model, encoder, method, pool); pre-pool fits excluded';
COMMENT ON COLUMN operators_current.version IS 'Fit id (sequence operator_version_seq, increasing)';
COMMENT ON COLUMN operators_current.model_id IS 'models.model_id';
COMMENT ON COLUMN operators_current.encoder IS 'encoders.encoder';
COMMENT ON COLUMN operators_current.method IS 'paper | centred | default (tasks/operators STORED_METHODS)';
COMMENT ON COLUMN operators_current.lam IS 'Ridge strength lambda (>= 0)';
COMMENT ON COLUMN operators_current.eps IS 'Eigenvalue cutoff epsilon: singular values below it are dropped';
COMMENT ON COLUMN operators_current.lam_source IS 'fixed | gcv: how lam was chosen';
COMMENT ON COLUMN operators_current.centred IS 'Labels centred by the model base rate before the fit';
COMMENT ON COLUMN operators_current.intercept IS 'Score intercept (score units, the +1 / -1 label scale)';
COMMENT ON COLUMN operators_current.vector IS 'Operator direction, d values: score = intercept + vector . x';
COMMENT ON COLUMN operators_current.prior IS 'Shrinkage target (method default: the mean centred operator of the pool), else NULL';
COMMENT ON COLUMN operators_current.rank IS 'Eigenpairs kept (singular value >= eps and above the floor)';
COMMENT ON COLUMN operators_current.n IS 'Results fitted on (count)';
COMMENT ON COLUMN operators_current.base_rate IS 'Share of correct results fitted on, fraction in [0, 1]';
COMMENT ON COLUMN operators_current.calib_a IS 'Platt slope on leave-one-out scores (NULL: uncalibrated)';
COMMENT ON COLUMN operators_current.calib_b IS 'Platt offset on leave-one-out scores (NULL: uncalibrated)';
COMMENT ON COLUMN operators_current.gcv IS 'Generalised cross-validation score at lam (lower is better; NULL if not computed)';
COMMENT ON COLUMN operators_current.signature IS 'operator_stats.signature of the statistics fitted';
COMMENT ON COLUMN operators_current.watermark IS 'Highest results.load_id folded in';
COMMENT ON COLUMN operators_current.params IS 'Fit parameters (JSON)';
COMMENT ON COLUMN operators_current.created_at IS 'When fitted (UTC)';
COMMENT ON COLUMN operators_current.pool IS 'The benchmark fitted on; NULL: fitted before pools (history only)';
COMMENT ON COLUMN operators_current.prior_version IS 'Hash of the pool centred operators it shrank toward (NULL: no prior)';
COMMENT ON COLUMN operators_current.coldstart IS 'True: a cold-start operator (results cover under COLDSTART_SHARE of the pool); n is its number of evaluations';
