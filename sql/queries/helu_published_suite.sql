-- The published rows of one HeLU benchmark suite.
SELECT * FROM helu_published WHERE suite_id = $suite ORDER BY workload, label;
