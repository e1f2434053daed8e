-- Selection tables: every prompt x model prediction of the serving operators, held-out routing-policy and
-- per-task evaluations, and the log of publications (data watermark, operator versions, file checksums).

-- Success predicted by one operator version for each prompt of the benchmarks its model has results on
-- (the prompt's canonical text). Re-materialised whole for an (encoder, method) when its operators change.
CREATE TABLE prompt_predictions (
    model_id          VARCHAR NOT NULL,
    prompt_id         VARCHAR NOT NULL,
    encoder           VARCHAR NOT NULL,
    method            VARCHAR NOT NULL,
    operator_version  BIGINT NOT NULL,
    score             DOUBLE NOT NULL,        -- intercept + vector . x
    p_correct         DOUBLE NOT NULL,        -- calibrated probability ((1 + score) / 2 clipped if uncalibrated)
    support           DOUBLE,                 -- 1 / x'(G + 2 lam I)^-1 x: effective training prompts behind it
    outside           DOUBLE,                 -- share of |x|^2 outside the operator's kept eigenspace
    PRIMARY KEY (model_id, prompt_id, encoder, operator_version)
);

-- Which operator version each (encoder, method, model) has materialised, over how many prompts.
CREATE TABLE prediction_sets (
    encoder           VARCHAR NOT NULL,
    method            VARCHAR NOT NULL,
    model_id          VARCHAR NOT NULL,
    operator_version  BIGINT NOT NULL,
    n_prompts         BIGINT NOT NULL,
    watermark         BIGINT NOT NULL,        -- operators.watermark: highest results.load_id folded in
    created_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (encoder, method, model_id)
);

-- Routing policies on a benchmark's held-out prompts, operators refitted on its training prompts only.
CREATE TABLE routing_policies (
    benchmark           VARCHAR NOT NULL,
    encoder             VARCHAR NOT NULL,
    method              VARCHAR NOT NULL,
    policy              VARCHAR NOT NULL,     -- best_single | max_predicted | within_0.95 | ... | oracle
    margin              DOUBLE,               -- share of the best predicted probability a cheaper model may keep
    split               VARCHAR NOT NULL,     -- src (*_train / *_test files) | hash (prompt_id hash, 20 % held out)
    n_train             BIGINT NOT NULL,
    n_test              BIGINT NOT NULL,
    expected_accuracy   DOUBLE,               -- mean predicted probability of the chosen model
    observed_accuracy   DOUBLE NOT NULL,      -- mean correctness of the chosen model
    expected_cost_usd   DOUBLE,               -- mean cost predicted (per-model line on prompt length, train prompts)
    mean_cost_usd       DOUBLE,               -- mean measured cost of the chosen model (NULL: costs unknown)
    top_model           VARCHAR,              -- the model chosen most often
    top_model_share     DOUBLE,
    watermark           BIGINT NOT NULL,
    PRIMARY KEY (benchmark, encoder, method, policy)
);

-- Predicted vs observed accuracy per (task, model) on the same held-out prompts.
CREATE TABLE heldout_task_accuracy (
    benchmark           VARCHAR NOT NULL,
    category            VARCHAR NOT NULL,     -- '' = the whole benchmark
    model_id            VARCHAR NOT NULL,
    encoder             VARCHAR NOT NULL,
    method              VARCHAR NOT NULL,
    n_test              BIGINT NOT NULL,
    predicted_accuracy  DOUBLE NOT NULL,
    observed_accuracy   DOUBLE NOT NULL,
    PRIMARY KEY (benchmark, category, model_id, encoder, method)
);

CREATE SEQUENCE IF NOT EXISTS publication_id_seq START 1;

-- Every publication: what it was computed from and the sha256 of every file written.
CREATE TABLE publications (
    publication_id    BIGINT PRIMARY KEY,
    out_dir           VARCHAR NOT NULL,
    encoder           VARCHAR NOT NULL,
    method            VARCHAR NOT NULL,
    watermark         BIGINT NOT NULL,        -- max(results.load_id) when published
    operator_versions JSON NOT NULL,          -- {model_id: operator version}
    fingerprint       VARCHAR NOT NULL,       -- sha256 over the manifest: equal => identical files
    files             JSON NOT NULL,          -- {relative path: sha256}
    created_at        TIMESTAMP NOT NULL
);
