-- Whether a new prompt lies among a pool's prompts: `taskspace select` warns when its cosine to the nearest prompt
-- of the pool is below what 99 % of the pool's own prompts have to their nearest other prompt.
ALTER TABLE pool_routers ADD COLUMN near_p01 DOUBLE;
COMMENT ON COLUMN pool_routers.near_p01 IS 'Cosine to the nearest other prompt of the pool that 99 % of the pool''s prompts exceed (estimated on 2,000 of them, seeded); a new prompt below it lies outside the pool (NULL: fitted before this column existed, or under 20 prompts; refresh --rebuild fills it)';
