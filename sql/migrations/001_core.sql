-- Core warehouse: load log, models, prompts (+ versions), results, rejected records.
CREATE SEQUENCE IF NOT EXISTS load_id_seq START 1;

CREATE TABLE loads (
    load_id       BIGINT PRIMARY KEY,
    source        VARCHAR NOT NULL,          -- format / feed: mmlu-pro, lm-eval, routerbench, long, ...
    uri           VARCHAR NOT NULL,          -- file path or URL that was read
    sha256        VARCHAR,                   -- checksum of the input bytes (NULL if unreadable)
    status        VARCHAR NOT NULL,          -- ok | partial | failed
    rows_new      BIGINT DEFAULT 0,
    rows_updated  BIGINT DEFAULT 0,
    rows_skipped  BIGINT DEFAULT 0,          -- rows already present and unchanged
    rows_rejected BIGINT DEFAULT 0,
    error         VARCHAR,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP
);

CREATE TABLE models (
    model_id      VARCHAR PRIMARY KEY,       -- stable id from the normalised name
    display_name  VARCHAR NOT NULL,
    hub_id        VARCHAR,                   -- Hugging Face repo id when known
    first_seen    TIMESTAMP NOT NULL,
    first_load_id BIGINT
);

-- One row per benchmark item: prompt_id = '<benchmark>:<item_id>'.
-- text/options/answer are the canonical version (the one most models saw).
CREATE TABLE prompts (
    prompt_id     VARCHAR PRIMARY KEY,
    benchmark     VARCHAR NOT NULL,
    item_id       VARCHAR NOT NULL,
    text          VARCHAR NOT NULL,
    text_hash     VARCHAR NOT NULL,          -- sha256 of the normalised text (embedding key)
    category      VARCHAR,
    src           VARCHAR,
    options       VARCHAR[],
    answer        VARCHAR,
    version_id    VARCHAR NOT NULL,          -- canonical version
    n_versions    INTEGER NOT NULL DEFAULT 1,
    first_seen    TIMESTAMP NOT NULL,
    UNIQUE (benchmark, item_id)
);

-- Every distinct (text, options, answer) a benchmark item was shown with.
CREATE TABLE prompt_versions (
    prompt_id     VARCHAR NOT NULL,
    version_id    VARCHAR NOT NULL,          -- sha256(text_hash, options, answer)[:16]
    text          VARCHAR NOT NULL,
    text_hash     VARCHAR NOT NULL,
    options       VARCHAR[],
    answer        VARCHAR,
    first_seen    TIMESTAMP NOT NULL,
    first_load_id BIGINT,
    PRIMARY KEY (prompt_id, version_id)
);

-- One row per model x prompt x source; version_id is the prompt version this model saw.
CREATE TABLE results (
    model_id      VARCHAR NOT NULL,
    prompt_id     VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    version_id    VARCHAR NOT NULL,
    correct       BOOLEAN NOT NULL,
    score         DOUBLE,
    cost_usd      DOUBLE,
    metric        VARCHAR,                   -- per-sample metric used as the label (lm-eval)
    pred          VARCHAR,
    load_id       BIGINT NOT NULL,
    ingested_at   TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (model_id, prompt_id, source)
);

-- Old values of every result a later load changed (lets operators subtract old contributions).
CREATE TABLE result_changes (
    load_id         BIGINT NOT NULL,
    model_id        VARCHAR NOT NULL,
    prompt_id       VARCHAR NOT NULL,
    source          VARCHAR NOT NULL,
    old_version_id  VARCHAR,
    old_correct     BOOLEAN,
    new_version_id  VARCHAR,
    new_correct     BOOLEAN,
    changed_at      TIMESTAMP NOT NULL
);

CREATE TABLE rejected_records (
    load_id       BIGINT NOT NULL,
    position      BIGINT NOT NULL,           -- 0-based index of the record in the file
    reason        VARCHAR NOT NULL,
    raw           VARCHAR
);
