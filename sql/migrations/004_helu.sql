-- HeLU training benchmarks: one suite per flow run, its workloads, every run, per-epoch curves, the published table.
CREATE TABLE helu_suites (
    suite_id      VARCHAR PRIMARY KEY,       -- helu-<UTC time>-<random hex>
    flow_run_id   VARCHAR,                   -- Prefect flow run id (NULL outside Prefect)
    quick         BOOLEAN NOT NULL,
    runner        VARCHAR NOT NULL,          -- local | dask
    device        VARCHAR NOT NULL,          -- cpu | cuda
    seeds         INTEGER[] NOT NULL,
    config        JSON NOT NULL,             -- the flow's parameters and the planned workloads' settings
    status        VARCHAR NOT NULL,          -- running | ok | partial | failed
    n_runs        INTEGER,
    n_failed      INTEGER,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP
);

-- What became of each planned workload; a skipped workload says why.
CREATE TABLE helu_workloads (
    suite_id      VARCHAR NOT NULL,
    workload      VARCHAR NOT NULL,
    family        VARCHAR NOT NULL,          -- digits | dying_relu | routing | wrn
    status        VARCHAR NOT NULL,          -- planned | ok | partial | failed | skipped
    reason        VARCHAR,
    n_planned     INTEGER NOT NULL DEFAULT 0,
    n_ok          INTEGER NOT NULL DEFAULT 0,
    n_failed      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (suite_id, workload)
);

-- One row per training run (workload x activation x alpha x seed); a failed run keeps its error.
CREATE TABLE helu_runs (
    run_id            VARCHAR PRIMARY KEY,   -- <suite_id>/<workload>/<label>/<seed>
    suite_id          VARCHAR NOT NULL,
    workload          VARCHAR NOT NULL,
    family            VARCHAR NOT NULL,
    activation        VARCHAR NOT NULL,      -- helu | relu | gelu | elu | leaky_relu | silu | linear_operator
    alpha             DOUBLE,                -- HeLU's alpha, NULL otherwise
    label             VARCHAR NOT NULL,      -- activation, or helu(<alpha>)
    seed              INTEGER NOT NULL,      -- seeds split, initialisation and batch order
    device            VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,      -- ok | failed
    error             VARCHAR,
    metric            VARCHAR,               -- accuracy | mse (the workload's primary validation metric)
    final_val_acc     DOUBLE,
    best_val_acc      DOUBLE,
    final_val_loss    DOUBLE,
    best_val_loss     DOUBLE,
    dead_frac_start   DOUBLE,                -- units dead on the probe batch, all activation layers
    dead_frac_end     DOUBLE,
    dead_layers_start DOUBLE[],              -- per activation layer, in forward order
    dead_layers_end   DOUBLE[],
    collapsed         BOOLEAN,               -- dying_relu: a constant function after training
    born_dead         BOOLEAN,               -- dying_relu: a whole layer dead at initialisation
    died_in_training  BOOLEAN,               -- collapsed and not born dead
    time_per_epoch_s  DOUBLE,
    epochs            INTEGER,
    wall_s            DOUBLE,
    config            JSON NOT NULL,         -- settings, seed, data info, torch version, threads, device name
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE helu_epochs (
    run_id        VARCHAR NOT NULL,
    epoch         INTEGER NOT NULL,          -- 0 = at initialisation
    train_loss    DOUBLE,
    val_loss      DOUBLE,
    val_acc       DOUBLE,
    dead_frac     DOUBLE,
    epoch_s       DOUBLE,
    PRIMARY KEY (run_id, epoch)
);

-- The published comparison of a suite: mean/std over seeds, and each activation minus ReLU paired over seeds.
CREATE TABLE helu_published (
    suite_id          VARCHAR NOT NULL,
    workload          VARCHAR NOT NULL,
    label             VARCHAR NOT NULL,
    activation        VARCHAR NOT NULL,
    alpha             DOUBLE,
    metric            VARCHAR NOT NULL,      -- accuracy (higher is better) | mse (lower is better)
    n_seeds           INTEGER NOT NULL,
    score_mean        DOUBLE,                -- final validation accuracy, or final validation MSE
    score_std         DOUBLE,
    best_acc_mean     DOUBLE,
    dead_end_mean     DOUBLE,
    dead_end_std      DOUBLE,
    collapse_rate     DOUBLE,
    born_dead_rate    DOUBLE,
    died_rate         DOUBLE,
    epoch_s_mean      DOUBLE,
    epoch_s_std       DOUBLE,
    n_pairs           INTEGER,               -- seeds shared with ReLU
    diff_mean         DOUBLE,                -- score minus ReLU's score, mean over paired seeds
    diff_std          DOUBLE,
    t_p               DOUBLE,                -- paired t-test p-value (two-sided)
    wilcoxon_p        DOUBLE,                -- Wilcoxon signed-rank p-value (two-sided)
    collapse_diff     DOUBLE,                -- collapse rate minus ReLU's, paired seeds
    sign_p            DOUBLE,                -- exact sign test on discordant collapse pairs
    published_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (suite_id, workload, label)
);
