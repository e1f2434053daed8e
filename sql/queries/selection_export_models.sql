-- Published table selection_models (pools, observed accuracy, cost lines), in its fixed order.
SELECT * FROM selection_models
ORDER BY model_id, benchmark;
