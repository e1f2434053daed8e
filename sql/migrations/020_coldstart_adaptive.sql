-- A cold-start plan can be a model's second round (adaptive): the data dictionary says so.
COMMENT ON COLUMN coldstart_plans.strategy IS 'random | stratified | disagreement | anchor | difficulty (tasks/coldstart/plan.py) | adaptive: a model''s next round, drawn by information at its ability (tasks/coldstart/adaptive.py)';
