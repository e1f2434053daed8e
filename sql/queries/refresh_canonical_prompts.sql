-- Canonical version of each prompt a batch of loads may have moved: the one most results point at (ties: smallest
-- version_id). Only a written result pointing at another version than the canonical one can move it (or add a
-- version), so prompts whose rows all point at their canonical version are not recounted.
UPDATE prompts SET text = b.text, text_hash = b.text_hash, options = b.options, answer = b.answer,
                   version_id = b.version_id, n_versions = b.n_versions
FROM (
    WITH touched AS (
        SELECT DISTINCT s.prompt_id FROM stage_class s JOIN prompts p ON p.prompt_id = s.prompt_id
        WHERE s.change <> 'unchanged' AND s.version_id <> p.version_id
    ),
    seen AS (
        SELECT r.prompt_id, r.version_id, count(*) AS n
        FROM results r SEMI JOIN touched t ON r.prompt_id = t.prompt_id
        GROUP BY ALL
    ),
    best AS (
        SELECT prompt_id, first(version_id ORDER BY n DESC, version_id) AS version_id
        FROM seen GROUP BY prompt_id
    ),
    nv AS (
        SELECT v.prompt_id, count(*) AS n_versions
        FROM prompt_versions v SEMI JOIN touched t ON v.prompt_id = t.prompt_id GROUP BY ALL
    )
    SELECT best.prompt_id, best.version_id, v.text, v.text_hash, v.options, v.answer, nv.n_versions
    FROM best
    JOIN prompt_versions v USING (prompt_id, version_id)
    JOIN nv USING (prompt_id)
) b
WHERE prompts.prompt_id = b.prompt_id AND (prompts.version_id <> b.version_id OR prompts.n_versions <> b.n_versions);
