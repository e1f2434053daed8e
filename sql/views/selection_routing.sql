-- Held-out routing policies per benchmark next to always using the best single model (accuracy and cost deltas).
CREATE OR REPLACE VIEW selection_routing AS
SELECT r.benchmark, r.encoder, r.method, r.policy, r.margin, r.split, r.n_train, r.n_test,
       r.expected_accuracy, r.observed_accuracy, r.expected_cost_usd, r.mean_cost_usd,
       r.observed_accuracy - b.observed_accuracy AS accuracy_vs_best_single,
       r.mean_cost_usd / nullif(b.mean_cost_usd, 0) AS cost_vs_best_single,
       r.top_model, r.top_model_share, r.watermark
FROM routing_policies r
LEFT JOIN routing_policies b
       ON b.benchmark = r.benchmark AND b.encoder = r.encoder AND b.method = r.method AND b.policy = 'best_single';

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW selection_routing IS 'Held-out routing policies per benchmark next to always using the best single model';
COMMENT ON COLUMN selection_routing.benchmark IS 'The benchmark (pool)';
COMMENT ON COLUMN selection_routing.encoder IS 'encoders.encoder';
COMMENT ON COLUMN selection_routing.method IS 'operators.method';
COMMENT ON COLUMN selection_routing.policy IS 'routing_policies.policy';
COMMENT ON COLUMN selection_routing.margin IS 'routing_policies.margin (within_m: a ratio; routed: a probability difference)';
COMMENT ON COLUMN selection_routing.split IS 'src | hash';
COMMENT ON COLUMN selection_routing.n_train IS 'Training prompts (count)';
COMMENT ON COLUMN selection_routing.n_test IS 'Held-out prompts (count)';
COMMENT ON COLUMN selection_routing.expected_accuracy IS 'Mean predicted probability of the chosen model, fraction in [0, 1]';
COMMENT ON COLUMN selection_routing.observed_accuracy IS 'Mean correctness of the chosen model, fraction in [0, 1]';
COMMENT ON COLUMN selection_routing.expected_cost_usd IS 'Mean predicted cost per prompt in USD';
COMMENT ON COLUMN selection_routing.mean_cost_usd IS 'Mean measured cost per prompt in USD';
COMMENT ON COLUMN selection_routing.accuracy_vs_best_single IS 'observed_accuracy minus best_single observed_accuracy: a DIFFERENCE in [-1, 1] (0.02 = two accuracy points better)';
COMMENT ON COLUMN selection_routing.cost_vs_best_single IS 'mean_cost_usd / best_single mean_cost_usd: a RATIO (1 = same cost, 0.5 = half; NULL: best cost 0 or unknown)';
COMMENT ON COLUMN selection_routing.top_model IS 'The model chosen most often';
COMMENT ON COLUMN selection_routing.top_model_share IS 'Share of prompts routed to top_model, fraction in [0, 1]';
COMMENT ON COLUMN selection_routing.watermark IS 'Highest results.load_id evaluated on';
