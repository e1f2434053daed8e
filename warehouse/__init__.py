"""The only code that talks to DuckDB: connect, migrate, named queries, writers."""
from warehouse.db import SQL_DIR, connect, default_db_path, migrate, query, read_sql, write_lock

__all__ = ["SQL_DIR", "connect", "default_db_path", "migrate", "query", "read_sql", "write_lock"]
