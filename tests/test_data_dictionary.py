"""The data dictionary: every table, view and column of the warehouse has a comment; the README and
docs/warehouse.md are what the generator prints now."""
from __future__ import annotations

import pytest

from warehouse import connect, migrate
from warehouse.dictionary import REPO, columns, columns_markdown, objects, tables_markdown, with_tables


def gaps(con) -> list[str]:
    """Tables, views and columns without a (non-empty) comment."""
    missing = [f"{kind} {name}" for kind, name, comment, _ in objects(con) if not (comment or "").strip()]
    return missing + [f"column {name}.{col}" for name, col, _, comment in columns(con) if not (comment or "").strip()]


def test_every_table_view_and_column_has_a_comment(con):
    kinds = {kind for kind, *_ in objects(con)}
    assert kinds == {"table", "view"} and len(columns(con)) > 500
    assert gaps(con) == []


def test_the_check_sees_an_uncommented_table_and_column(con):
    con.execute("CREATE TABLE extra (a INTEGER, b INTEGER)")
    con.execute("COMMENT ON TABLE extra IS 'x'")
    con.execute("COMMENT ON COLUMN extra.a IS 'y'")
    assert gaps(con) == ["column extra.b"]


def test_temp_tables_are_not_part_of_the_dictionary(con):
    con.execute("CREATE TEMP TABLE stage AS SELECT 1 AS a")
    assert "stage" not in {name for _, name, _, _ in objects(con)}
    assert "stage" not in {name for name, *_ in columns(con)}


def test_comments_survive_view_re_creation_a_new_migration_and_reopening(db_path):
    con = connect(db_path)
    con.execute("DELETE FROM schema_views")              # view texts changed: every view is re-created
    migrate(con)
    con.execute("DELETE FROM schema_version WHERE version = 14")   # 014 applied on a warehouse that has views
    assert migrate(con) == [14]
    con.close()
    con = connect(db_path)
    try:
        assert gaps(con) == []
        assert dict((n, c) for _, n, c, _ in objects(con))["selection_cheapest"].startswith("Per task")
    finally:
        con.close()


def test_readme_table_list_is_generated(con):
    readme = (REPO / "README.md").read_text()
    section = readme.split("<!-- tables:begin -->\n", 1)[1].split("\n<!-- tables:end -->", 1)[0]
    assert section == tables_markdown(con), "run: python -m warehouse.dictionary --write"
    assert "`prompt_predictions`" in section and "view `selection_routing`" in section


def test_docs_dictionary_is_generated(con):
    assert (REPO / "docs" / "warehouse.md").read_text() == columns_markdown(con), \
        "run: python -m warehouse.dictionary --write"


def test_with_tables_replaces_only_the_marked_section():
    text = "a\n<!-- tables:begin -->\nold\n<!-- tables:end -->\nb\n"
    assert with_tables(text, "new") == "a\n<!-- tables:begin -->\nnew\n<!-- tables:end -->\nb\n"
    with pytest.raises(ValueError):
        with_tables("no markers", "new")
