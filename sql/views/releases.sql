-- Open LLM Leaderboard as one wide row per entry (normalised scores 0-100, raw scores 0-1), and the
-- results models that are not linked to a Hugging Face hub id (unmatched or ambiguous names).
CREATE OR REPLACE VIEW leaderboard AS
SELECT m.eval_name, m.hub_id, m.precision, m.model_type, m.architecture, m.params_b, m.license,
       m.official_providers, m.merged, m.upload_date, m.submission_date, m.base_model, m.average,
       max(s.score_norm) FILTER (WHERE s.benchmark = 'IFEval')     AS ifeval,
       max(s.score_norm) FILTER (WHERE s.benchmark = 'BBH')        AS bbh,
       max(s.score_norm) FILTER (WHERE s.benchmark = 'MATH Lvl 5') AS math_lvl5,
       max(s.score_norm) FILTER (WHERE s.benchmark = 'GPQA')       AS gpqa,
       max(s.score_norm) FILTER (WHERE s.benchmark = 'MUSR')       AS musr,
       max(s.score_norm) FILTER (WHERE s.benchmark = 'MMLU-PRO')   AS mmlu_pro,
       max(s.score_raw)  FILTER (WHERE s.benchmark = 'MMLU-PRO')   AS mmlu_pro_raw
FROM leaderboard_models m LEFT JOIN leaderboard_scores s USING (eval_name)
GROUP BY ALL;

-- One raw score per hub id (any case) and leaderboard benchmark: the mean over its entries (precisions), flagged
-- entries left out. What a cold-start model's leaderboard prior reads (tasks/coldstart/prior.py).
CREATE OR REPLACE VIEW leaderboard_hub_scores AS
SELECT lower(l.hub_id) AS hub_key, s.benchmark, avg(s.score_raw) AS score, count(*) AS entries
FROM leaderboard_models l
JOIN leaderboard_scores s ON s.eval_name = l.eval_name AND s.score_raw IS NOT NULL
WHERE NOT coalesce(l.flagged, false)
GROUP BY lower(l.hub_id), s.benchmark;

CREATE OR REPLACE VIEW unlinked_models AS
SELECT model_id, display_name, first_seen FROM models WHERE hub_id IS NULL;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW leaderboard IS 'Open LLM Leaderboard as one wide row per entry (normalised scores 0-100, raw scores 0-1)';
COMMENT ON COLUMN leaderboard.eval_name IS 'leaderboard_models.eval_name';
COMMENT ON COLUMN leaderboard.hub_id IS 'Hub repo id';
COMMENT ON COLUMN leaderboard.precision IS 'Evaluated precision';
COMMENT ON COLUMN leaderboard.model_type IS 'e.g. pretrained, fine-tuned';
COMMENT ON COLUMN leaderboard.architecture IS 'Model architecture (NULL: unknown)';
COMMENT ON COLUMN leaderboard.params_b IS 'Parameters in billions (NULL: not counted)';
COMMENT ON COLUMN leaderboard.license IS 'Hub license';
COMMENT ON COLUMN leaderboard.official_providers IS 'From an official provider';
COMMENT ON COLUMN leaderboard.merged IS 'A merge of other models';
COMMENT ON COLUMN leaderboard.upload_date IS 'Upload To Hub Date';
COMMENT ON COLUMN leaderboard.submission_date IS 'Submission date to the leaderboard';
COMMENT ON COLUMN leaderboard.base_model IS 'Base model hub id';
COMMENT ON COLUMN leaderboard.average IS 'Mean normalised score, 0-100';
COMMENT ON COLUMN leaderboard.ifeval IS 'IFEval normalised score, 0-100';
COMMENT ON COLUMN leaderboard.bbh IS 'BBH normalised score, 0-100';
COMMENT ON COLUMN leaderboard.math_lvl5 IS 'MATH Lvl 5 normalised score, 0-100';
COMMENT ON COLUMN leaderboard.gpqa IS 'GPQA normalised score, 0-100';
COMMENT ON COLUMN leaderboard.musr IS 'MUSR normalised score, 0-100';
COMMENT ON COLUMN leaderboard.mmlu_pro IS 'MMLU-PRO normalised score, 0-100';
COMMENT ON COLUMN leaderboard.mmlu_pro_raw IS 'MMLU-PRO raw accuracy, fraction in [0, 1]';
COMMENT ON VIEW unlinked_models IS 'Result models not linked to a Hugging Face hub id (unmatched or ambiguous names)';
COMMENT ON COLUMN unlinked_models.model_id IS 'models.model_id';
COMMENT ON COLUMN unlinked_models.display_name IS 'models.display_name';
COMMENT ON COLUMN unlinked_models.first_seen IS 'When first ingested (UTC)';
COMMENT ON VIEW leaderboard_hub_scores IS 'Open LLM Leaderboard raw score per hub id and benchmark: the mean over its unflagged entries';
COMMENT ON COLUMN leaderboard_hub_scores.hub_key IS 'Hub repo id, lower case';
COMMENT ON COLUMN leaderboard_hub_scores.benchmark IS 'leaderboard_scores.benchmark: IFEval | BBH | MATH Lvl 5 | GPQA | MUSR | MMLU-PRO';
COMMENT ON COLUMN leaderboard_hub_scores.score IS 'Mean raw score over its entries, fraction in [0, 1]';
COMMENT ON COLUMN leaderboard_hub_scores.entries IS 'Unflagged entries (precisions) averaged (count)';
