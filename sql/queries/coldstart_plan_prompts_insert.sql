-- The prompts of plan $plan_id from the registered arrow table plan_batch (position, prompt_id, category).
INSERT INTO coldstart_plan_prompts (plan_id, position, prompt_id, category)
SELECT $plan_id, position, prompt_id, category FROM plan_batch;
