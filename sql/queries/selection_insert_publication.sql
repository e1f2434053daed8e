-- Record one publication; returns its id.
INSERT INTO publications
VALUES (nextval('publication_id_seq'), $out_dir, $encoder, $method, $watermark, $operator_versions,
        $fingerprint, $files, $now)
RETURNING publication_id;
