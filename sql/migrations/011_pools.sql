-- Pools: a pool is a benchmark and its models. Statistics, operators, the shrinkage prior and the routing gate
-- belong to a (model, pool): a model evaluated on two benchmarks gets one operator per pool, and ingesting a
-- second benchmark never changes the first one's operators. Statistics are derived data: the next refresh
-- rebuilds them per pool (and refits every operator, the old ones spanned every benchmark).
DROP TABLE operator_stats;
CREATE TABLE operator_stats (
    model_id      VARCHAR NOT NULL,
    encoder       VARCHAR NOT NULL,
    pool          VARCHAR NOT NULL,           -- the benchmark of the prompts folded in
    dim           INTEGER NOT NULL,
    n             BIGINT NOT NULL,
    sum_y         DOUBLE NOT NULL,
    sum_x         DOUBLE[] NOT NULL,
    b             DOUBLE[] NOT NULL,
    gram          BLOB NOT NULL,
    signature     VARCHAR NOT NULL,           -- multiset hash of the embedded rows: equal => equal G
    watermark     BIGINT NOT NULL,
    watermark_at  TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (model_id, encoder, pool)
);
DELETE FROM stats_watermarks;
ALTER TABLE operators ADD COLUMN pool VARCHAR;           -- NULL: fitted before pools (not current any more)
ALTER TABLE operators ADD COLUMN prior_version VARCHAR;  -- hash of the pool's centred operators it shrank toward

-- The served router of each (encoder, method, pool): stay with the pool's best single model unless another
-- model's calibrated probability beats it by more than margin (tuned on the leave-one-out probabilities of the
-- same fit, as the evaluation tunes it on its training folds). One row per refit of the pool.
CREATE TABLE pool_routers (
    encoder        VARCHAR NOT NULL,
    method         VARCHAR NOT NULL,
    pool           VARCHAR NOT NULL,
    watermark      BIGINT NOT NULL,
    best_model     VARCHAR NOT NULL,          -- highest accuracy on the pool's prompts (its base rate)
    margin         DOUBLE NOT NULL,           -- probability gain needed to switch away from best_model
    n_models       INTEGER NOT NULL,
    prior_version  VARCHAR,
    centroid       DOUBLE[],                  -- mean prompt vector of the pool (placing a new prompt in a pool)
    spread         DOUBLE,                    -- mean cosine of the pool's prompts to their centroid
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (encoder, method, pool)
);

-- Predictions are per (model, pool) too, and record the pool router's pick (what `taskspace select` serves).
-- Both are derived: the next publish re-materialises them.
DELETE FROM prompt_predictions;
ALTER TABLE prompt_predictions ADD COLUMN routed BOOLEAN;   -- true for the model the pool's router picks
DROP TABLE prediction_sets;
CREATE TABLE prediction_sets (
    encoder           VARCHAR NOT NULL,
    method            VARCHAR NOT NULL,
    model_id          VARCHAR NOT NULL,
    pool              VARCHAR NOT NULL,
    operator_version  BIGINT NOT NULL,
    n_prompts         BIGINT NOT NULL,
    watermark         BIGINT NOT NULL,        -- operators.watermark: highest results.load_id folded in
    created_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (encoder, method, model_id, pool)
);
