-- The latest fit of every (model, encoder, method, pool); fits from before pools (pool NULL) are history only.
CREATE OR REPLACE VIEW operators_current AS
SELECT * FROM operators
WHERE pool IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY model_id, encoder, method, pool ORDER BY version DESC) = 1;
