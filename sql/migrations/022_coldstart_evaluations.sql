-- `evaluate --split coldstart` stores its runs in evaluations too: the data dictionary says so.
COMMENT ON COLUMN evaluations.split IS 'id | id-cv | loo-category | new-models (tasks/evaluation/data.py SPLITS) | coldstart (leave one model out with K planned prompts: fold K=<budget>, method = the plan strategy, params.estimator)';
