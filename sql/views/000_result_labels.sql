-- THE label rule (every consumer reads this view: statistics, evaluation, selection, publishing): one row per
-- (model, prompt). When several sources or loads gave the pair a result, the most recently written one wins
-- (latest updated_at, then the highest load_id, then the source name); n_sources says how many there were.
-- pool: the benchmark the prompt belongs to (operators, priors and routers are per pool). Named 000_ so it is
-- created before the views that read it.
CREATE OR REPLACE VIEW result_labels AS
SELECT r.model_id, r.prompt_id, p.benchmark AS pool, p.category, r.version_id, r.correct,
       (CASE WHEN r.correct THEN 1 ELSE -1 END)::TINYINT AS y, r.score, r.cost_usd, r.source, r.load_id,
       r.updated_at, count(*) OVER (PARTITION BY r.model_id, r.prompt_id) AS n_sources
FROM results r
JOIN prompts p USING (prompt_id)
QUALIFY row_number() OVER (PARTITION BY r.model_id, r.prompt_id
                           ORDER BY r.updated_at DESC, r.load_id DESC, r.source) = 1;
