-- Result rows to fold into each (model, pool)'s statistics since the watermark ($watermark, taken at $watermark_at):
-- w = +1 for the current value of every result written since, w = -1 for the value it had at the watermark
-- (the old values of its first change since, from result_changes, when the result existed then).
CREATE OR REPLACE TEMP TABLE stats_delta AS
WITH touched AS (
    SELECT model_id, prompt_id, source, version_id, correct,
           coalesce(ingested_at <= $watermark_at, false) AS existed
    FROM results
    WHERE load_id > $watermark AND load_id <= $new_watermark
), before AS (
    SELECT t.model_id, t.prompt_id, t.source,
           arg_min(c.old_version_id, c.load_id) AS version_id, arg_min(c.old_correct, c.load_id) AS correct
    FROM touched t
    JOIN result_changes c
      ON c.model_id = t.model_id AND c.prompt_id = t.prompt_id AND c.source = t.source AND c.load_id > $watermark
    WHERE t.existed
    GROUP BY ALL
), moves AS (
    SELECT t.model_id, t.prompt_id, t.version_id, t.correct, 1 AS w
    FROM touched t LEFT JOIN before b USING (model_id, prompt_id, source)
    WHERE b.model_id IS NULL OR b.version_id IS DISTINCT FROM t.version_id OR b.correct IS DISTINCT FROM t.correct
    UNION ALL
    SELECT b.model_id, b.prompt_id, b.version_id, b.correct, -1 AS w
    FROM before b JOIN touched t USING (model_id, prompt_id, source)
    WHERE b.version_id IS DISTINCT FROM t.version_id OR b.correct IS DISTINCT FROM t.correct
)
SELECT m.model_id, p.benchmark AS pool, CASE WHEN enc.fields = 'text' THEN pv.text_hash ELSE pv.version_id END AS key,
       (CASE WHEN m.correct THEN 1 ELSE -1 END)::TINYINT AS y, m.w::TINYINT AS w
FROM moves m
JOIN prompts p ON p.prompt_id = m.prompt_id
JOIN prompt_versions pv ON pv.prompt_id = m.prompt_id AND pv.version_id = m.version_id
JOIN encoders enc ON enc.encoder = $encoder;
-- A pair with results from several sources moves by every row here but counts once in result_labels: the fold
-- sees the counts disagree (stats_model_totals) and rebuilds that unit from result_labels.
