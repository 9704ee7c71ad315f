"""``maillage sync``: three databases exchanging files through the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.cli import main
from app.sync import crypto
from test_sync_support import FAST_KDF, PASSPHRASE


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "DEFAULT_KDF", FAST_KDF)
    monkeypatch.setenv("MAILLAGE_SYNC_PASSPHRASE", PASSPHRASE)


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_three_machines_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    dbs = {name: tmp_path / f"{name}.sqlite" for name in ("siege", "avallon", "puisaye")}
    for name, db in dbs.items():
        assert run(capsys, "--db", db, "init", "--site-name", name)[0] == 0
    from app.services.workspace import open_workspace
    from app.storage.models import Organisation

    with open_workspace(dbs["siege"]) as ws, ws.unit(write=True) as s:
        o = Organisation(name="Ressourcerie de l'Yonne", kind_code="association", city="Sens")
        s.add(o)
    rid = o.id

    code, out, _ = run(capsys, "sync", "export", "--db", dbs["siege"], "-o", tmp_path / "s1.msync", "--json")
    assert code == 0 and json.loads(out)["full"] is True
    for name in ("avallon", "puisaye"):
        code, out, _ = run(capsys, "--db", dbs[name], "sync", "import", tmp_path / "s1.msync", "--json")
        assert code == 0 and json.loads(out)["created"] >= 1

    # concurrent edits on two antennas
    for name, city in (("avallon", "Avallon"), ("puisaye", "Saint-Fargeau")):
        with open_workspace(dbs[name]) as ws, ws.unit(write=True) as s:
            s.get(Organisation, rid).city = city
        assert run(capsys, "sync", "export", "--db", dbs[name], "-o", tmp_path / f"{name}.msync", "--to", "siege")[0] == 0
    for name, f in (("siege", "puisaye"), ("siege", "avallon"), ("avallon", "puisaye"), ("puisaye", "avallon")):
        assert run(capsys, "sync", "import", "--db", dbs[name], tmp_path / f"{f}.msync")[0] == 0

    code, out, _ = run(capsys, "sync", "conflicts", "--db", dbs["siege"], "--json")
    [conflict] = json.loads(out)
    assert {k for k in conflict} >= {"table", "record_id", "field", "values", "shown"}
    assert (conflict["table"], conflict["record_id"], conflict["field"]) == ("organisations", rid, "city")
    assert {v["value"] for v in conflict["values"]} == {"Avallon", "Saint-Fargeau"}
    assert all({"value", "site_id", "hlc"} <= set(v) for v in conflict["values"])

    code, out, _ = run(capsys, "sync", "resolve", "--db", dbs["siege"], "organisations", rid, "city", "Sens")
    assert code == 0
    assert run(capsys, "sync", "export", "--db", dbs["siege"], "-o", tmp_path / "s2.msync")[0] == 0
    for name in ("avallon", "puisaye"):
        assert run(capsys, "sync", "import", "--db", dbs[name], tmp_path / "s2.msync")[0] == 0

    dumps = set()
    for name, db in dbs.items():
        code, out, _ = run(capsys, "--db", db, "sync", "conflicts", "--json")
        assert json.loads(out) == []
        code, out, _ = run(capsys, "--db", db, "dump", "--json")
        dumps.add(out)
    assert len(dumps) == 1

    code, out, _ = run(capsys, "sync", "status", "--db", dbs["siege"], "--json")
    st = json.loads(out)
    assert set(st) == {"site_id", "site_name", "peers", "files"} and st["site_name"] == "siege"
    assert {p["name"] for p in st["peers"]} == {"avallon", "puisaye"}
    for p in st["peers"]:
        assert set(p) == {"site_id", "name", "acked", "last_import_at", "last_export_at"}
        assert p["acked"][st["site_id"]] >= 1
    assert {f["direction"] for f in st["files"]} == {"import", "export"}

    code, out, _ = run(capsys, "sync", "status", "--db", dbs["siege"])
    assert "avallon" in out and code == 0


def test_passphrase_never_comes_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "a.sqlite"
    run(capsys, "--db", db, "init", "--site-name", "siege")
    monkeypatch.delenv("MAILLAGE_SYNC_PASSPHRASE")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    code, _out, err = run(capsys, "--db", db, "sync", "export", "-o", tmp_path / "x.msync")
    assert code == 1 and "MAILLAGE_SYNC_PASSPHRASE" in err and "Phrase de passe" in err
    assert not (tmp_path / "x.msync").exists()
    with pytest.raises(SystemExit):
        main(["--db", str(db), "sync", "export", "-o", str(tmp_path / "x.msync"), "--passphrase", "x"])
    capsys.readouterr()


def test_passphrase_command_and_french_errors(tmp_path: Path, capsys: pytest.CaptureFixture,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "a.sqlite"
    run(capsys, "--db", db, "init", "--site-name", "siege")
    code, out, _ = run(capsys, "--db", db, "sync", "passphrase")
    assert code == 0 and "enregistrée" in out
    monkeypatch.setenv("MAILLAGE_SYNC_PASSPHRASE", "une autre phrase de passe")
    code, _out, err = run(capsys, "--db", db, "sync", "export", "-o", tmp_path / "x.msync")
    assert code == 1 and "Phrase de passe incorrecte" in err
    code, _out, err = run(capsys, "--db", db, "sync", "export", "-o", tmp_path / "x.msync", "--to", "inconnue")
    assert code == 1 and "Erreur" in err
    (tmp_path / "pas-un-fichier.msync").write_bytes(b"bonjour")
    code, _out, err = run(capsys, "--db", db, "sync", "import", tmp_path / "pas-un-fichier.msync")
    assert code == 1 and "n'est pas un fichier de synchronisation" in err
    code, _out, err = run(capsys, "--db", db, "sync", "import", tmp_path / "absent.msync")
    assert code == 1 and "Impossible de lire" in err
