-- Old values of the results a batch of loads is about to change.
INSERT INTO result_changes
SELECT load_id, model_id, prompt_id, source, old_version_id, old_correct, version_id, correct, $now
FROM stage_class WHERE change = 'updated';
