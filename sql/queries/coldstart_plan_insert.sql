-- A new cold-start plan; returns its id.
INSERT INTO coldstart_plans (plan_id, benchmark, model, strategy, budget, seed, n_prompts, n_known_models, created_at)
VALUES (nextval('coldstart_plan_seq'), $benchmark, $model, $strategy, $budget, $seed, $n_prompts, $n_known_models, $now)
RETURNING plan_id;
