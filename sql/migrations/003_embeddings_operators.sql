-- Prompt embeddings, per-model sufficient statistics, versioned LLM operators, evaluation runs.
CREATE SEQUENCE IF NOT EXISTS operator_version_seq START 1;
CREATE SEQUENCE IF NOT EXISTS evaluation_run_seq START 1;

-- How each encoder embeds: model path, what text goes in (question, or question + options), precision.
CREATE TABLE encoders (
    encoder     VARCHAR PRIMARY KEY,          -- e.g. all-MiniLM-L6-v2, all-MiniLM-L6-v2+options
    path        VARCHAR NOT NULL,             -- sentence-transformers model path or name
    fields      VARCHAR NOT NULL,             -- text | text+options
    dim         INTEGER NOT NULL,
    precision   VARCHAR NOT NULL,             -- fp32 | bf16 (bf16 vectors: cosine >= 0.999 to fp32)
    created_at  TIMESTAMP NOT NULL
);

-- One vector per distinct embedded text and encoder. The key is prompt_versions.text_hash when the encoder
-- embeds the text only, prompt_versions.version_id when it embeds text + options.
CREATE TABLE embeddings (
    text_hash   VARCHAR NOT NULL,
    encoder     VARCHAR NOT NULL,
    dim         INTEGER NOT NULL,
    vector      FLOAT[] NOT NULL,             -- unit norm, dim values
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (text_hash, encoder)
);

-- Sufficient statistics of one model's results under one encoder (labels y = +1 correct, -1 wrong):
-- G = X'X (packed upper triangle, float64 bytes), b = X'y, n, sum_x = X'1, sum_y = 1'y.
-- watermark: the highest results.load_id folded in; watermark_at: max(results.updated_at) at that time.
CREATE TABLE operator_stats (
    model_id      VARCHAR NOT NULL,
    encoder       VARCHAR NOT NULL,
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
    PRIMARY KEY (model_id, encoder)
);

-- Every fit of an operator (never updated): score(x) = intercept + vector . x; p = 1/(1+exp(-(calib_a*score+calib_b))).
CREATE TABLE operators (
    version       BIGINT PRIMARY KEY,         -- from operator_version_seq
    model_id      VARCHAR NOT NULL,
    encoder       VARCHAR NOT NULL,
    method        VARCHAR NOT NULL,           -- paper | centred | default (tasks/operators.py STORED_METHODS)
    lam           DOUBLE NOT NULL,
    eps           DOUBLE NOT NULL,
    lam_source    VARCHAR NOT NULL,           -- fixed | gcv
    centred       BOOLEAN NOT NULL,           -- labels centred by the model's base rate
    intercept     DOUBLE NOT NULL,
    vector        DOUBLE[] NOT NULL,
    prior         DOUBLE[],                   -- shrinkage target (method default: mean centred operator), else NULL
    rank          INTEGER NOT NULL,           -- eigenpairs kept (singular value >= eps and above the floor)
    n             BIGINT NOT NULL,
    base_rate     DOUBLE NOT NULL,
    calib_a       DOUBLE,                     -- Platt scaling on leave-one-out scores (NULL: uncalibrated)
    calib_b       DOUBLE,
    gcv           DOUBLE,                     -- generalised cross-validation score at lam
    signature     VARCHAR NOT NULL,
    watermark     BIGINT NOT NULL,
    params        JSON,
    created_at    TIMESTAMP NOT NULL
);

-- One metric of one method on one split (fold 'mean' = mean over folds).
CREATE TABLE evaluations (
    run_id      BIGINT NOT NULL,
    split       VARCHAR NOT NULL,             -- id | ood
    fold        VARCHAR NOT NULL,
    method      VARCHAR NOT NULL,
    metric      VARCHAR NOT NULL,
    value       DOUBLE,
    params      JSON,
    seed        BIGINT NOT NULL,
    encoder     VARCHAR NOT NULL,
    watermark   BIGINT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, fold, method, metric)
);

-- How far each encoder's statistics have been brought: every model's operator_stats row is exact for the
-- results as of this watermark (results.load_id <= watermark, updated_at <= watermark_at).
CREATE TABLE stats_watermarks (
    encoder       VARCHAR PRIMARY KEY,
    watermark     BIGINT NOT NULL,
    watermark_at  TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL
);
