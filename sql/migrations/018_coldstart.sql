-- Cold start (issue 16): the prompts planned for a new model, and the accuracy estimates of models whose results
-- cover only a small part of a pool (their operator is fitted as any other, marked operators.coldstart).
CREATE SEQUENCE coldstart_plan_seq START 1;
CREATE TABLE coldstart_plans (
    plan_id         BIGINT PRIMARY KEY,
    benchmark       VARCHAR NOT NULL,
    model           VARCHAR,
    strategy        VARCHAR NOT NULL,
    budget          INTEGER NOT NULL,
    seed            BIGINT NOT NULL,
    n_prompts       INTEGER NOT NULL,
    n_known_models  INTEGER NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE TABLE coldstart_plan_prompts (
    plan_id    BIGINT NOT NULL,
    position   INTEGER NOT NULL,
    prompt_id  VARCHAR NOT NULL,
    category   VARCHAR,
    PRIMARY KEY (plan_id, position)
);
CREATE TABLE coldstart_estimates (
    model_id       VARCHAR NOT NULL,
    pool           VARCHAR NOT NULL,
    category       VARCHAR NOT NULL,
    n_evaluations  BIGINT NOT NULL,
    n_prompts      BIGINT NOT NULL,
    estimate       DOUBLE NOT NULL,
    lo             DOUBLE NOT NULL,
    hi             DOUBLE NOT NULL,
    observed       DOUBLE,
    estimator      VARCHAR NOT NULL,
    n_known_models INTEGER NOT NULL,
    watermark      BIGINT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (model_id, pool, category)
);
ALTER TABLE operators ADD COLUMN coldstart BOOLEAN DEFAULT FALSE;

COMMENT ON TABLE coldstart_plans IS 'Prompt plans for a new model on one benchmark (taskspace coldstart plan), one row each';
COMMENT ON COLUMN coldstart_plans.plan_id IS 'Plan id (sequence coldstart_plan_seq, increasing)';
COMMENT ON COLUMN coldstart_plans.benchmark IS 'prompts.benchmark the plan draws from (the pool)';
COMMENT ON COLUMN coldstart_plans.model IS 'Hub id or name of the model the plan is for, as given (--model); NULL: any';
COMMENT ON COLUMN coldstart_plans.strategy IS 'random | stratified | disagreement | anchor | difficulty (tasks/coldstart/plan.py)';
COMMENT ON COLUMN coldstart_plans.budget IS 'Prompts asked for (--budget, count)';
COMMENT ON COLUMN coldstart_plans.seed IS 'Random seed of the choice (same seed, same pool labels => same plan)';
COMMENT ON COLUMN coldstart_plans.n_prompts IS 'Prompts planned (count, <= budget)';
COMMENT ON COLUMN coldstart_plans.n_known_models IS 'Models of the pool whose labels guided the choice (count)';
COMMENT ON COLUMN coldstart_plans.created_at IS 'When planned (UTC)';
COMMENT ON TABLE coldstart_plan_prompts IS 'The prompts of each cold-start plan, one row per (plan, prompt)';
COMMENT ON COLUMN coldstart_plan_prompts.plan_id IS 'coldstart_plans.plan_id';
COMMENT ON COLUMN coldstart_plan_prompts.position IS 'Order in the plan file, 0-based';
COMMENT ON COLUMN coldstart_plan_prompts.prompt_id IS 'prompts.prompt_id';
COMMENT ON COLUMN coldstart_plan_prompts.category IS 'prompts.category (benchmark when none) at planning time';
COMMENT ON TABLE coldstart_estimates IS 'Estimated accuracy of each cold-start model (results on a small part of a pool), per pool and category; replaced at each refit of the pool';
COMMENT ON COLUMN coldstart_estimates.model_id IS 'models.model_id';
COMMENT ON COLUMN coldstart_estimates.pool IS 'The benchmark (pool)';
COMMENT ON COLUMN coldstart_estimates.category IS 'prompts.category, or * for the whole benchmark';
COMMENT ON COLUMN coldstart_estimates.n_evaluations IS 'Results of the model in this pool and category (count)';
COMMENT ON COLUMN coldstart_estimates.n_prompts IS 'Prompts of the pool and category the estimate is over (count)';
COMMENT ON COLUMN coldstart_estimates.estimate IS 'Estimated accuracy over all n_prompts: observed where evaluated, IRT-predicted elsewhere (fraction in [0, 1])';
COMMENT ON COLUMN coldstart_estimates.lo IS 'Lower end of the 95 % interval of estimate (fraction in [0, 1])';
COMMENT ON COLUMN coldstart_estimates.hi IS 'Upper end of the 95 % interval of estimate (fraction in [0, 1])';
COMMENT ON COLUMN coldstart_estimates.observed IS 'Accuracy on the evaluated prompts alone (fraction in [0, 1]; NULL: none)';
COMMENT ON COLUMN coldstart_estimates.estimator IS 'How estimated: blend-irt2 | blend-irt1 (the mean of 2PL or 1PL p-IRT and a ridge on the known models'' labels for the unseen prompts, tasks/coldstart/estimate.py), irt2 | irt1 (p-IRT alone, under 10 labels)';
COMMENT ON COLUMN coldstart_estimates.n_known_models IS 'Models of the pool with full results the items were fitted on (count)';
COMMENT ON COLUMN coldstart_estimates.watermark IS 'Highest results.load_id folded into the statistics at the fit';
COMMENT ON COLUMN coldstart_estimates.created_at IS 'When estimated (UTC)';
COMMENT ON COLUMN operators.coldstart IS 'True: a cold-start operator (the model results cover under tasks/coldstart/detect.py COLDSTART_SHARE of the pool); n is its number of evaluations';
