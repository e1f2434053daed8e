-- THE label rule (every consumer reads this view: statistics, evaluation, selection, publishing): one row per
-- (model, prompt). When several sources or loads gave the pair a result, the most recently written one wins
-- (latest updated_at, then the highest load_id, then the source name); n_sources says how many there were.
-- pool: the benchmark the prompt belongs to (operators, priors and routers are per pool). Named 000_ so it is
-- created before the views that read it.
CREATE OR REPLACE VIEW result_labels AS
SELECT r.model_id, r.prompt_id, p.benchmark AS pool, p.category, r.version_id, r.correct,
       (CASE WHEN r.correct THEN 1 ELSE -1 END)::TINYINT AS y, r.answered, r.score, r.cost_usd, r.source, r.load_id,
       r.updated_at, count(*) OVER (PARTITION BY r.model_id, r.prompt_id) AS n_sources
FROM results r
JOIN prompts p USING (prompt_id)
QUALIFY row_number() OVER (PARTITION BY r.model_id, r.prompt_id
                           ORDER BY r.updated_at DESC, r.load_id DESC, r.source) = 1;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW result_labels IS 'THE label rule: one label per (model, prompt), the most recently written result wins';
COMMENT ON COLUMN result_labels.model_id IS 'models.model_id';
COMMENT ON COLUMN result_labels.prompt_id IS 'prompts.prompt_id';
COMMENT ON COLUMN result_labels.pool IS 'The benchmark the prompt belongs to (operators, priors and routers are per pool)';
COMMENT ON COLUMN result_labels.category IS 'prompts.category';
COMMENT ON COLUMN result_labels.version_id IS 'prompt_versions.version_id the model saw';
COMMENT ON COLUMN result_labels.correct IS 'The label: true = graded correct';
COMMENT ON COLUMN result_labels.y IS 'The label as +1 (correct) / -1 (wrong), TINYINT';
COMMENT ON COLUMN result_labels.answered IS 'results.answered: an answer was extracted from the output (false: none, graded wrong; NULL: the format does not say)';
COMMENT ON COLUMN result_labels.score IS 'Raw per-sample score in [0, 1] (NULL: label only)';
COMMENT ON COLUMN result_labels.cost_usd IS 'Measured cost of the answer in USD (NULL: not measured)';
COMMENT ON COLUMN result_labels.source IS 'results.source of the winning row (<format>:<input name>)';
COMMENT ON COLUMN result_labels.load_id IS 'loads.load_id that wrote the winning row';
COMMENT ON COLUMN result_labels.updated_at IS 'When the winning row was last changed (UTC)';
COMMENT ON COLUMN result_labels.n_sources IS 'Results the pair has across sources and loads (count, >= 1)';
-- schema_views is re-created by warehouse.db whenever the views are, just before these files run: its comments live here.
COMMENT ON TABLE schema_views IS 'Checksum of the sql/views texts last created (views are re-created when it differs)';
COMMENT ON COLUMN schema_views.checksum IS 'sha256 (hex) of every sql/views file text, in file-name order';
COMMENT ON COLUMN schema_views.created_at IS 'When the views were last created (UTC)';
