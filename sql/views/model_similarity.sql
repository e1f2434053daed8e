-- Cosine similarity between the latest operators of every two models (same encoder and method): models whose
-- success rises and falls along the same directions of prompt space. Reads the operators table directly
-- (views are created in file-name order).
CREATE OR REPLACE VIEW model_similarity AS
WITH cur AS (
    SELECT model_id, encoder, method, version, vector
    FROM operators
    QUALIFY row_number() OVER (PARTITION BY model_id, encoder, method ORDER BY version DESC) = 1
)
SELECT a.encoder, a.method, a.model_id AS model_a, b.model_id AS model_b,
       list_cosine_similarity(a.vector, b.vector) AS cosine,
       a.version AS version_a, b.version AS version_b
FROM cur a
JOIN cur b ON a.encoder = b.encoder AND a.method = b.method;

-- The data dictionary (views lose their comments when re-created, so they are set here).
COMMENT ON VIEW model_similarity IS 'Cosine similarity between the latest operators of every two models (same encoder and method)';
COMMENT ON COLUMN model_similarity.encoder IS 'encoders.encoder';
COMMENT ON COLUMN model_similarity.method IS 'operators.method';
COMMENT ON COLUMN model_similarity.model_a IS 'models.model_id';
COMMENT ON COLUMN model_similarity.model_b IS 'models.model_id';
COMMENT ON COLUMN model_similarity.cosine IS 'Cosine of the two operator vectors, in [-1, 1]';
COMMENT ON COLUMN model_similarity.version_a IS 'operators.version of model_a';
COMMENT ON COLUMN model_similarity.version_b IS 'operators.version of model_b';
