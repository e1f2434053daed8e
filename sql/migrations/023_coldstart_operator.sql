-- A cold-start operator is fitted to the model's cold-start prediction on every prompt of its pool, and the
-- estimate is p-IRT alone where the pool has a 2PL: the data dictionary says so, and the cold-start operators fitted
-- before are refitted at the next refresh (their stored config no longer matches; the rows are kept).
UPDATE operators SET params = json_merge_patch(params, json_object('config',
    json_extract_string(params, '$.config') || ';fitted before migration 023'))
WHERE coldstart AND json_extract_string(params, '$.config') NOT LIKE '%;fitted before migration 023';
COMMENT ON COLUMN operators.coldstart IS 'True: a cold-start operator (the model''s results cover under tasks/coldstart/detect.py COLDSTART_SHARE of the pool), fitted by the method''s closed form at lambda 1 on every prompt of the pool with its cold-start prediction as labels and calibrated to it (tasks/coldstart/operator.py); n is its number of evaluations, base_rate its estimated accuracy';
COMMENT ON COLUMN operators.base_rate IS 'Share of correct results fitted on, fraction in [0, 1]; for a cold-start operator its estimated accuracy over the pool';
COMMENT ON COLUMN coldstart_estimates.estimator IS 'How estimated (tasks/coldstart/estimate.py): irt2 | irt1 (2PL p-IRT where the pool has >= 20 other models, else 1PL, alone: under 150 labels with a 2PL, under 10 with a 1PL) | blend-irt2 | blend-irt1 (averaged with a ridge on the known models'' labels for the unseen prompts)';
