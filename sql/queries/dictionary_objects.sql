-- The warehouse's own tables and views (main schema, no temp tables) with their comments and primary key.
SELECT 'table' AS kind, t.table_name AS name, t.comment,
       (SELECT string_agg(k, ', ') FROM (SELECT unnest(c.constraint_column_names) AS k) AS u) AS key
FROM duckdb_tables() t
LEFT JOIN duckdb_constraints() c ON c.table_oid = t.table_oid AND c.constraint_type = 'PRIMARY KEY'
WHERE t.database_name = current_database() AND t.schema_name = 'main' AND NOT t.internal AND NOT t.temporary
UNION ALL
SELECT 'view', v.view_name, v.comment, NULL
FROM duckdb_views() v
WHERE v.database_name = current_database() AND v.schema_name = 'main' AND NOT v.internal AND NOT v.temporary
ORDER BY kind, name;
