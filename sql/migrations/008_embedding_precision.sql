-- The precision each vector was computed in (auto picks bf16 or fp32 per CPU; encoders.precision is the latest).
ALTER TABLE embeddings ADD COLUMN precision VARCHAR;
