-- Per benchmark, the 25 prompts on which the models' predicted success disagrees most (standard deviation over
-- the pool), with the most and least likely model.
CREATE OR REPLACE VIEW selection_disagreement AS
WITH per AS (
    SELECT pr.encoder, pr.method, p.benchmark, pr.prompt_id,
           count(*)                                          AS n_models,
           stddev_pop(pr.p_correct)                          AS spread,
           max(pr.p_correct) - min(pr.p_correct)             AS p_range,
           arg_max(pr.model_id, (pr.p_correct, pr.model_id)) AS most_likely,
           max(pr.p_correct)                                 AS p_max,
           arg_min(pr.model_id, (pr.p_correct, pr.model_id)) AS least_likely,
           min(pr.p_correct)                                 AS p_min
    FROM prompt_predictions pr
    JOIN prompts p USING (prompt_id)
    GROUP BY ALL
    HAVING count(*) > 1
)
SELECT d.encoder, d.method, d.benchmark,
       row_number() OVER (PARTITION BY d.encoder, d.method, d.benchmark ORDER BY d.spread DESC, d.prompt_id) AS rank,
       d.prompt_id, p.category, left(p.text, 160) AS text, d.n_models, d.spread, d.p_range,
       d.most_likely, d.p_max, d.least_likely, d.p_min
FROM per d
JOIN prompts p USING (prompt_id)
QUALIFY rank <= 25;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW selection_disagreement IS 'Per benchmark, the 25 prompts on which the models predicted success disagrees most';
COMMENT ON COLUMN selection_disagreement.encoder IS 'encoders.encoder';
COMMENT ON COLUMN selection_disagreement.method IS 'operators.method';
COMMENT ON COLUMN selection_disagreement.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN selection_disagreement.rank IS '1..25, by spread descending';
COMMENT ON COLUMN selection_disagreement.prompt_id IS 'prompts.prompt_id';
COMMENT ON COLUMN selection_disagreement.category IS 'prompts.category';
COMMENT ON COLUMN selection_disagreement.text IS 'First 160 characters of the prompt text';
COMMENT ON COLUMN selection_disagreement.n_models IS 'Models predicted (count, > 1)';
COMMENT ON COLUMN selection_disagreement.spread IS 'Population std of p_correct over the models, in [0, 0.5]';
COMMENT ON COLUMN selection_disagreement.p_range IS 'max minus min p_correct (a difference in [0, 1])';
COMMENT ON COLUMN selection_disagreement.most_likely IS 'Model with the highest p_correct';
COMMENT ON COLUMN selection_disagreement.p_max IS 'Its p_correct, in [0, 1]';
COMMENT ON COLUMN selection_disagreement.least_likely IS 'Model with the lowest p_correct';
COMMENT ON COLUMN selection_disagreement.p_min IS 'Its p_correct, in [0, 1]';
