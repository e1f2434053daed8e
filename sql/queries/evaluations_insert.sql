-- Store one evaluation run's metric rows from the registered arrow table eval_batch.
INSERT INTO evaluations (run_id, split, fold, method, metric, value, params, seed, encoder, watermark, created_at,
                         benchmark)
SELECT $run_id, $split, fold, method, metric, value, params::JSON, $seed, $encoder, $watermark, $now, $benchmark
FROM eval_batch;
