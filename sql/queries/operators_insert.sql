-- Append operator versions from the registered arrow table ops_batch.
INSERT INTO operators (version, model_id, encoder, method, lam, eps, lam_source, centred, intercept, vector, prior, rank, n,
                       base_rate, calib_a, calib_b, gcv, signature, watermark, params, created_at, pool, prior_version, coldstart)
SELECT nextval('operator_version_seq'), model_id, encoder, method, lam, eps, lam_source, centred, intercept, vector,
       prior, rank, n, base_rate, calib_a, calib_b, gcv, signature, watermark, params::JSON, $now, pool, prior_version, coldstart
FROM ops_batch;
