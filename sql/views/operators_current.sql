-- The latest fit of every (model, encoder, method).
CREATE OR REPLACE VIEW operators_current AS
SELECT * FROM operators
QUALIFY row_number() OVER (PARTITION BY model_id, encoder, method ORDER BY version DESC) = 1;
