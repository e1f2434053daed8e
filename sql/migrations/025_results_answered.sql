-- Whether an answer was extracted from the model's output, apart from whether it was right: MMLU-Pro's result files
-- give a null pred where none was (graded wrong, as before), lm-eval its filter's fallback ('[invalid]'), and models
-- differ widely in how often (0 to 23 % of MMLU-Pro's questions). The cold-start prediction models that rate apart
-- from the ability (tasks/coldstart/answered.py).
-- Rows already stored keep their label; those of MMLU-Pro files get the flag from their stored pred, and the
-- cold-start operators fitted before are refitted at the next refresh (their stored config no longer matches).
ALTER TABLE results ADD COLUMN IF NOT EXISTS answered BOOLEAN;
UPDATE results SET answered = (pred IS NOT NULL) WHERE answered IS NULL AND source LIKE 'mmlu-pro:%';
UPDATE operators SET params = json_merge_patch(params, json_object('config',
    json_extract_string(params, '$.config') || ';fitted before migration 025'))
WHERE coldstart AND json_extract_string(params, '$.config') NOT LIKE '%;fitted before migration 025';
COMMENT ON COLUMN results.answered IS 'Whether an answer was extracted from the model''s output (false: none was, and the result is graded wrong; set by MMLU-Pro files (null pred), lm-eval generative samples (the filter''s fallback) and long tables; NULL: the format does not say, e.g. RouterBench, lm-eval log-likelihood tasks)';
COMMENT ON COLUMN coldstart_estimates.estimator IS 'How estimated (tasks/coldstart/estimate.py): irt2 | irt1 (2PL p-IRT where the pool has >= 20 other models, else 1PL, alone: under 150 labels with a 2PL, under 10 with a 1PL) | blend-irt2 | blend-irt1 (averaged with a ridge on the known models'' labels for the unseen prompts); +leaderboard: the ability prior came from the model''s leaderboard score (prior_score); +answered: p-IRT averaged with the answer-rate model (P(answered) x P(correct | answered), where the results say whether an answer was extracted: results.answered)';
