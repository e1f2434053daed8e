-- On a 2PL pool the cold-start prediction (no leaderboard prior; tasks/coldstart/estimate.py) of a model at the
-- pool's edge (its ability at least 1.25 sd of the known ones from their mean) averages in the model-space ridge from
-- 100 labels, not 150 as everywhere else: there the 2PL of the other models predicts it toward them. Cold-start
-- operators fitted before are refitted at the next refresh (their stored config no longer matches; the rows are
-- kept), and their pool's estimates with them.
UPDATE operators SET params = json_merge_patch(params, json_object('config',
    json_extract_string(params, '$.config') || ';fitted before migration 026'))
WHERE coldstart AND json_extract_string(params, '$.config') NOT LIKE '%;fitted before migration 026';
COMMENT ON COLUMN coldstart_estimates.estimator IS 'How estimated (tasks/coldstart/estimate.py): irt2 | irt1 (2PL p-IRT where the pool has >= 20 other models, else 1PL, alone: with a 2PL under 150 labels, under 100 where its ability is at least 1.25 sd of the known models'' from their mean; with a 1PL under 10) | blend-irt2 | blend-irt1 (averaged with a ridge on the known models'' labels for the unseen prompts); +leaderboard: the ability prior came from the model''s leaderboard score (prior_score); +answered: p-IRT averaged with the answer-rate model (P(answered) x P(correct | answered), where the results say whether an answer was extracted: results.answered)';
