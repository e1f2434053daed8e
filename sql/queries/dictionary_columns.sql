-- Every column of the warehouse's own tables and views (main schema, no temp tables), with its type and comment.
SELECT c.table_name AS name, c.column_name AS "column", c.data_type AS type, c.comment
FROM duckdb_columns() c
WHERE c.database_name = current_database() AND c.schema_name = 'main' AND NOT c.internal
  AND c.table_oid NOT IN (SELECT table_oid FROM duckdb_tables() WHERE temporary
                          UNION ALL SELECT view_oid FROM duckdb_views() WHERE temporary)
ORDER BY c.table_name, c.column_index;
