-- helu_summary of the most recent finished suite (status ok or partial).
CREATE OR REPLACE VIEW helu_summary_latest AS
SELECT h.*
FROM helu_summary h
WHERE h.suite_id = (SELECT suite_id FROM helu_suites WHERE status IN ('ok', 'partial')
                    ORDER BY started_at DESC LIMIT 1);
