-- Record the revisions in rev_batch (repo, revision, n_inputs) of source $source.
INSERT OR REPLACE INTO source_revisions (source, repo, revision, n_inputs, recorded_at)
SELECT $source, repo, revision, n_inputs, $now FROM rev_batch;
