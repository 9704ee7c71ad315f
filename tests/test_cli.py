"""The command line: French messages, JSON for machines, no Qt, no display."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main as cli

REQUIRED_TABLES = {
    "organisations", "people", "affiliations", "actions", "meetings", "sessions",
    "participants", "attendance", "conventions",
}


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_creates_a_named_site(tmp_path, capsys):
    db = tmp_path / "antenne.sqlite"
    code, out, _ = run_cli(capsys, "init", "--db", str(db), "--site-name", "Antenne de Puisaye", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["schema_version"] == 1 and len(result["site_id"]) == 36
    from app.services.settings import get_identity
    from app.services.workspace import open_workspace

    with open_workspace(db) as ws:
        assert get_identity(ws).site_name == "Antenne de Puisaye"


def test_global_db_option_before_the_command(tmp_path, capsys):
    db = tmp_path / "a.sqlite"
    assert run_cli(capsys, "--db", str(db), "init")[0] == 0
    code, out, _ = run_cli(capsys, "--db", str(db), "check", "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_default_database_comes_from_MAILLAGE_DB(tmp_path, capsys, monkeypatch):
    db = tmp_path / "env.sqlite"
    monkeypatch.setenv("MAILLAGE_DB", str(db))
    assert run_cli(capsys, "init")[0] == 0
    assert db.exists()


def test_dump_of_the_demo_database(demo_db, capsys):
    code, out, _ = run_cli(capsys, "dump", "--db", str(demo_db), "--json")
    assert code == 0
    data = json.loads(out)
    assert REQUIRED_TABLES <= set(data)
    assert len(data["organisations"]) >= 40 and len(data["attendance"]) > 0
    for table, rows in data.items():
        ids = [r["id"] for r in rows]
        assert ids == sorted(ids), table
        for row in rows[:5]:
            assert not any(k.startswith("sync_") or k in {"change_seq", "deleted_vv", "deleted"} for k in row)


def test_dump_is_identical_on_two_copies_of_the_same_data(demo_db, tmp_path, capsys):
    import shutil

    copy = tmp_path / "copie.sqlite"
    shutil.copyfile(demo_db, copy)
    _, first, _ = run_cli(capsys, "dump", "--db", str(demo_db), "--json")
    _, second, _ = run_cli(capsys, "dump", "--db", str(copy), "--json")
    assert first == second  # the copy has another site id, which the dump does not show


def test_dump_leaves_out_tombstones(tmp_path, capsys):
    from app.services.workspace import open_workspace
    from app.storage.models import Organisation

    db = tmp_path / "t.sqlite"
    with open_workspace(db) as ws:
        with ws.unit(write=True) as s:
            kept, gone = Organisation(name="Gardée"), Organisation(name="Supprimée")
            s.add_all([kept, gone])
        with ws.unit(write=True) as s:
            s.get(Organisation, gone.id).deleted = True
    _, out, _ = run_cli(capsys, "dump", "--db", str(db), "--json")
    assert [o["name"] for o in json.loads(out)["organisations"]] == ["Gardée"]


def test_missing_database_is_a_french_error(tmp_path, capsys):
    code, out, err = run_cli(capsys, "dump", "--db", str(tmp_path / "absente.sqlite"), "--json")
    assert code == 1 and out == ""
    assert "Aucune base" in err and "maillage init" in err
    assert not (tmp_path / "absente.sqlite").exists()


def test_bad_arguments_are_reported_in_french(capsys):
    with pytest.raises(SystemExit) as exc:
        cli(["check", "--inconnu"])
    assert exc.value.code == 2
    assert "arguments non reconnus" in capsys.readouterr().err


def test_check_reports_counts(demo_db, capsys):
    code, out, _ = run_cli(capsys, "check", "--db", str(demo_db), "--json")
    report = json.loads(out)
    assert code == 0 and report["integrity"] == "ok" and report["foreign_key_errors"] == 0
    assert report["counts"]["organisations"] >= 40


def test_backup_then_restore_round_trip(demo_db, tmp_path, capsys):
    from app.services.workspace import open_workspace
    from app.storage.models import Organisation

    backup = tmp_path / "sauvegarde.sqlite"
    assert run_cli(capsys, "backup", "--db", str(demo_db), "-o", str(backup))[0] == 0
    with open_workspace(demo_db) as ws:
        before = ws.count(Organisation)
        with ws.unit(write=True) as s:
            s.add(Organisation(name="Ajoutée après la sauvegarde"))
    code, out, _ = run_cli(capsys, "restore", "--db", str(demo_db), str(backup), "--json")
    assert code == 0
    safety = json.loads(out)["safety_copy"]
    assert safety and Path(safety).exists()
    with open_workspace(demo_db) as ws:
        assert ws.count(Organisation) == before


def test_restore_refuses_a_damaged_file_and_keeps_the_database(demo_db, tmp_path, capsys):
    bad = tmp_path / "abimee.sqlite"
    bad.write_bytes(b"ceci n'est pas une base" * 100)
    before = demo_db.read_bytes()
    code, _, err = run_cli(capsys, "restore", "--db", str(demo_db), str(bad))
    assert code == 1 and "Erreur" in err
    assert demo_db.read_bytes() == before


def test_cli_commands_never_import_qt(tmp_path):
    db = tmp_path / "x.sqlite"
    script = (
        "import sys; from ui.launcher import main; "
        f"rc = main(['init', '--db', {str(db)!r}]); "
        f"rc |= main(['dump', '--db', {str(db)!r}, '--json']); "
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt importé'; "
        "sys.exit(rc)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                            stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.split("\n", 2)[-1] or result.stdout.splitlines()[-1])


def test_console_script_is_installed():
    exe = Path(sys.executable).with_name("maillage")
    assert exe.exists()
    result = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0 and result.stdout.startswith("Maillage ")


def test_launcher_tells_gui_options_from_commands():
    from ui.launcher import _first_positional

    assert _first_positional(["--view", "contacts", "--demo"]) is None
    assert _first_positional(["--db", "contacts", "--screenshot", "x.png"]) is None
    assert _first_positional(["--db", "base.sqlite", "contacts", "export", "x.csv"]) == "contacts"
    assert _first_positional(["dump", "--json"]) == "dump"
