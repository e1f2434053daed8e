-- Record how far the encoder's statistics have been brought.
INSERT INTO stats_watermarks (encoder, watermark, watermark_at, updated_at)
VALUES ($encoder, $watermark, $watermark_at, $now)
ON CONFLICT (encoder) DO UPDATE SET watermark = excluded.watermark, watermark_at = excluded.watermark_at,
    updated_at = excluded.updated_at;
