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

CREATE OR REPLACE VIEW unlinked_models AS
SELECT model_id, display_name, first_seen FROM models WHERE hub_id IS NULL;
