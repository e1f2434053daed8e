-- A cold-start model's ability prior comes from its Open LLM Leaderboard score on the pool's benchmark where it has
-- one (tasks/coldstart/prior.py): the estimates record the score and the known models the line was fitted on, the
-- data dictionary says so, and the cold-start operators fitted before are refitted at the next refresh (their
-- stored config no longer matches; the rows are kept).
ALTER TABLE coldstart_estimates ADD COLUMN IF NOT EXISTS prior_score DOUBLE;
ALTER TABLE coldstart_estimates ADD COLUMN IF NOT EXISTS prior_models INTEGER;
UPDATE operators SET params = json_merge_patch(params, json_object('config',
    json_extract_string(params, '$.config') || ';fitted before migration 024'))
WHERE coldstart AND json_extract_string(params, '$.config') NOT LIKE '%;fitted before migration 024';
COMMENT ON COLUMN coldstart_estimates.estimator IS 'How estimated (tasks/coldstart/estimate.py): irt2 | irt1 (2PL p-IRT where the pool has >= 20 other models, else 1PL, alone: under 150 labels with a 2PL, under 10 with a 1PL) | blend-irt2 | blend-irt1 (averaged with a ridge on the known models'' labels for the unseen prompts); +leaderboard: the ability prior came from the model''s leaderboard score (prior_score)';
COMMENT ON COLUMN coldstart_estimates.prior_score IS 'The model''s raw Open LLM Leaderboard score (0-1) on the column that measures this pool (e.g. MMLU-PRO for mmlu-pro; the mean over its entries) that set its ability prior; NULL: no linked leaderboard row, or too few known models with one';
COMMENT ON COLUMN coldstart_estimates.prior_models IS 'Known models of the pool with a leaderboard score that the prior''s line (ability on score) was fitted on (count); NULL with no prior_score';
