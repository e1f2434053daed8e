-- A registered encoder's configuration.
SELECT encoder, path, fields, dim, precision FROM encoders WHERE encoder = $encoder;
