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
