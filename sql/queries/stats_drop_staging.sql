-- Drop the fold's staging tables.
DROP TABLE IF EXISTS stats_delta;
DROP TABLE IF EXISTS stats_keys;
