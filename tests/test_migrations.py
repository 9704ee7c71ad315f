"""The migration ladder builds exactly the models, refuses newer files, backs up first."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from app.errors import SchemaTooNew
from app.services.workspace import open_workspace
from app.storage import migrations
from app.storage.models import Base, Organisation


def test_migrating_an_empty_database_gives_exactly_the_models(tmp_path):
    path = tmp_path / "vide.sqlite"
    open_workspace(path).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                # Virtual tables (full-text search) and their shadow tables are not models.
                "include_name": lambda name, type_, parent: not (
                    type_ == "table" and name.startswith(("search_", "local_"))
                )
            },
        )
        diff = compare_metadata(context, Base.metadata)
        assert conn.exec_driver_sql("PRAGMA user_version").scalar() == migrations.SCHEMA_VERSION
    engine.dispose()
    assert diff == []


def test_the_checked_in_initial_script_is_the_one_the_models_generate():
    checked_in = (migrations.STEPS[0][1], migrations._read(migrations.STEPS[0][1]))
    assert checked_in[0] == "0001_initial.sql"
    if migrations.SCHEMA_VERSION == 1:
        assert checked_in[1] == migrations.generate_initial(), (
            "Regenerate with: python -m app.storage.migrations.generate"
        )


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "future.sqlite"
    open_workspace(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match="version plus récente de Maillage"):
        open_workspace(path)
    assert path.read_bytes() == before


def test_upgrading_an_existing_file_backs_it_up_first(tmp_path, monkeypatch):
    path = tmp_path / "antenne.sqlite"
    with open_workspace(path) as ws:
        with ws.unit(write=True) as s:
            s.add(Organisation(name="Syndicat Mixte de La Puisaye"))
    step2 = "CREATE TABLE essai_v2 (id INTEGER PRIMARY KEY);"
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, (2, "0002_essai.sql")])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    original_read = migrations._read
    monkeypatch.setattr(migrations, "_read", lambda n: step2 if n == "0002_essai.sql" else original_read(n))
    with open_workspace(path) as ws:
        assert ws.schema_version == 2
        backup = ws.db.backup_path
    assert backup is not None and backup.exists() and "avant-migration" in backup.name
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT name FROM organisations").fetchall() == [
            ("Syndicat Mixte de La Puisaye",)
        ]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM essai_v2").fetchone()[0] == 0


def test_a_failing_step_leaves_the_file_at_its_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "antenne.sqlite"
    open_workspace(path).close()
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, (2, "0002_casse.sql")])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    original_read = migrations._read
    broken = "CREATE TABLE t2 (id INTEGER);\nTHIS IS NOT SQL;"
    monkeypatch.setattr(migrations, "_read", lambda n: broken if n == "0002_casse.sql" else original_read(n))
    with pytest.raises(Exception):
        open_workspace(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "t2" not in tables


def test_a_current_base_keeps_its_search_index_untouched(demo_db):
    ws = open_workspace(demo_db)
    try:
        assert migrations.refresh_search_index(ws.db.engine) == []
    finally:
        ws.close()


def test_a_search_index_of_an_older_definition_is_rebuilt_at_opening(demo_db):
    """A base written before the search documents gained their sort keys opens, and its lists
    and search work, instead of failing on a missing column."""
    from app.services import lists, search
    from app.services.lists import ListQuery

    ws = open_workspace(demo_db)
    expected_count = lists.count(ws, "contacts", ListQuery(search="sev"))
    expected_first = lists.fetch(ws, "contacts", ListQuery(), 0, 5).rows
    ws.close()
    conn = sqlite3.connect(demo_db)
    conn.executescript(
        "DROP TRIGGER search_people_ai; DROP TRIGGER search_people_au;"
        "DROP TRIGGER search_people_ad; DROP TABLE search_people;"
        "DROP TABLE search_people_docs;"
        "CREATE TABLE search_people_docs (docid INTEGER PRIMARY KEY, ref_id VARCHAR(36) NOT NULL"
        " UNIQUE, title TEXT NOT NULL DEFAULT '', extra TEXT NOT NULL DEFAULT '');"
    )
    conn.close()
    ws = open_workspace(demo_db)
    try:
        assert lists.count(ws, "contacts", ListQuery(search="sev")) == expected_count > 0
        assert lists.fetch(ws, "contacts", ListQuery(), 0, 5).rows == expected_first
        assert search.global_search(ws, "severine")  # « Séverine » of the demo data
        assert migrations.refresh_search_index(ws.db.engine) == []
    finally:
        ws.close()
