-- Model releases (Hugging Face Hub listing), the Open LLM Leaderboard table, remote shas of live inputs.

-- The git blob sha a live listing reported for the input (GitHub contents API): a later listing with the
-- same sha for the same uri is skipped without downloading it again.
ALTER TABLE loads ADD COLUMN remote_sha VARCHAR;

-- One current row per Hub repository; replaced only when its sha or lastModified changes.
CREATE TABLE model_releases (
    hub_id              VARCHAR PRIMARY KEY,   -- 'org/name' as the Hub spells it
    author              VARCHAR,
    sha                 VARCHAR,               -- head commit of the repository
    created_at          TIMESTAMP,             -- NULL where the Hub reports its 2022-03-02T23:29:04Z placeholder
    last_modified       TIMESTAMP,
    downloads           BIGINT,                -- as of the version below (not refreshed on their own)
    likes               BIGINT,
    pipeline_tag        VARCHAR,
    library_name        VARCHAR,
    gated               VARCHAR,               -- 'false' | 'auto' | 'manual'
    private             BOOLEAN,
    disabled            BOOLEAN,
    base_models         VARCHAR[],             -- from base_model:<hub id> tags
    base_model_relation VARCHAR,               -- from base_model:<relation>:<hub id> (finetune, quantized, adapter, merge)
    license             VARCHAR,               -- from license:<id> tags (several joined by ',')
    tags                VARCHAR[],
    source              VARCHAR NOT NULL,      -- hub-api
    first_seen          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    first_load_id       BIGINT NOT NULL,
    load_id             BIGINT NOT NULL        -- load that wrote the current version
);

-- Every distinct version (sha, lastModified) of a repository ever seen, with its counters at the time.
CREATE TABLE model_release_history (
    hub_id          VARCHAR NOT NULL,
    version_key     VARCHAR NOT NULL,          -- '<sha>@<lastModified>' ('?' for a missing part)
    sha             VARCHAR,
    last_modified   TIMESTAMP,
    created_at      TIMESTAMP,
    downloads       BIGINT,
    likes           BIGINT,
    gated           VARCHAR,
    license         VARCHAR,
    tags            VARCHAR[],
    load_id         BIGINT NOT NULL,
    seen_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (hub_id, version_key)
);

-- Open LLM Leaderboard (v2): one row per evaluated entry (eval_name = repo id + precision).
CREATE TABLE leaderboard_models (
    eval_name           VARCHAR PRIMARY KEY,
    hub_id              VARCHAR NOT NULL,      -- 'fullname' column
    precision           VARCHAR,
    model_type          VARCHAR,               -- 'Type' without its emoji, e.g. 'pretrained'
    weight_type         VARCHAR,
    architecture        VARCHAR,               -- NULL where the table says '?'
    model_sha           VARCHAR,
    params_b            DOUBLE,                -- '#Params (B)'; NULL where the table says 0 or -1 (not counted)
    license             VARCHAR,               -- 'Hub License'
    hub_likes           BIGINT,
    average             DOUBLE,                -- 'Average ⬆️' (of the normalised scores)
    available_on_hub    BOOLEAN,
    moe                 BOOLEAN,
    flagged             BOOLEAN,
    chat_template       BOOLEAN,
    merged              BOOLEAN,
    official_providers  BOOLEAN,
    co2_kg              DOUBLE,
    upload_date         DATE,                  -- 'Upload To Hub Date'
    submission_date     DATE,
    generation          INTEGER,
    base_model          VARCHAR,
    row_sha             VARCHAR NOT NULL,      -- sha256 of the row as read: changes mark an update
    first_seen          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    first_load_id       BIGINT NOT NULL,
    load_id             BIGINT NOT NULL
);

-- The six v2 benchmarks per entry: raw accuracy-like score (0-1) and the leaderboard's normalised score (0-100).
CREATE TABLE leaderboard_scores (
    eval_name       VARCHAR NOT NULL,
    benchmark       VARCHAR NOT NULL,          -- IFEval | BBH | MATH Lvl 5 | GPQA | MUSR | MMLU-PRO
    score_raw       DOUBLE,
    score_norm      DOUBLE,
    load_id         BIGINT NOT NULL,
    PRIMARY KEY (eval_name, benchmark)
);
