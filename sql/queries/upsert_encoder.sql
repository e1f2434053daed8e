-- Register an encoder's configuration (path, text fields, dimension, precision) the first time it is used.
INSERT INTO encoders (encoder, path, fields, dim, precision, created_at)
VALUES ($encoder, $path, $fields, $dim, $precision, $now)
ON CONFLICT (encoder) DO NOTHING;
