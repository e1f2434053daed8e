-- How far an encoder's statistics have been brought.
SELECT watermark, watermark_at FROM stats_watermarks WHERE encoder = $encoder;
