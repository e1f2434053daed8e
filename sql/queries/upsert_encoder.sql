-- Register an encoder's configuration (path, text fields, dimension, precision); a later pass records the path and
-- the precision it actually used (fields and dim never change: the caller checks them).
INSERT INTO encoders (encoder, path, fields, dim, precision, created_at)
VALUES ($encoder, $path, $fields, $dim, $precision, $now)
ON CONFLICT (encoder) DO UPDATE SET path = excluded.path, precision = excluded.precision;
