-- Every (encoder, method) with current operators: how many models, and what text the encoder embeds.
SELECT o.encoder, o.method, count(*) AS n_models, coalesce(any_value(e.fields), 'text') AS fields,
       any_value(e.path) AS path, any_value(e.precision) AS precision
FROM operators_current o
LEFT JOIN encoders e USING (encoder)
GROUP BY o.encoder, o.method
ORDER BY n_models DESC, o.encoder, o.method;
