-- {repo: revision} of source $source (repositories loaded whole at that revision).
SELECT repo, revision FROM source_revisions WHERE source = $source ORDER BY repo;
