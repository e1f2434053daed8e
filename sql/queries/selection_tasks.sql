-- The tasks with published rankings for $encoder / $method.
SELECT DISTINCT task FROM selection_by_task WHERE encoder = $encoder AND method = $method ORDER BY task;
