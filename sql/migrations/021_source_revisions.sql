-- The revision (commit sha) of each remote repository a source listed, recorded once every input of it loaded:
-- the next run skips a repository whose listed revision is unchanged without listing its files.
CREATE TABLE source_revisions (
    source      VARCHAR NOT NULL,
    repo        VARCHAR NOT NULL,
    revision    VARCHAR NOT NULL,
    n_inputs    INTEGER NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (source, repo)
);
COMMENT ON TABLE source_revisions IS 'Remote repositories loaded whole at a revision (open-llm-leaderboard-details): unchanged ones are not listed again';
COMMENT ON COLUMN source_revisions.source IS 'loads.source: the format that listed it';
COMMENT ON COLUMN source_revisions.repo IS 'The repository, as its public URL (https://HOST/datasets/AUTHOR/REPO)';
COMMENT ON COLUMN source_revisions.revision IS 'The commit sha the Hub listed for it when every input of it had loaded';
COMMENT ON COLUMN source_revisions.n_inputs IS 'Inputs (runs) it held at that revision (count)';
COMMENT ON COLUMN source_revisions.recorded_at IS 'When recorded (UTC)';
