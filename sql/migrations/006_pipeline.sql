-- One row per run of the main job (`taskspace run` / the pipeline flow) or a backfill, with each step's counts.
CREATE SEQUENCE IF NOT EXISTS pipeline_run_seq START 1;

CREATE TABLE pipeline_runs (
    run_id        BIGINT PRIMARY KEY,
    kind          VARCHAR NOT NULL,          -- pipeline | backfill
    flow_run_id   VARCHAR,                   -- Prefect flow run id
    status        VARCHAR NOT NULL,          -- running | completed | failed
    config        JSON,                      -- the validated config (or backfill parameters)
    rows_new      BIGINT,
    rows_updated  BIGINT,
    embedded      BIGINT,
    operators_refit BIGINT,
    evaluated     BOOLEAN,
    published     BOOLEAN,
    steps         JSON,                      -- each step's full counts
    error         VARCHAR,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP
);
