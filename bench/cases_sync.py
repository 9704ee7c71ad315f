"""Sync by file (issue 5), each figure next to a bare ``executemany`` of the same rows into the
same tables (same indexes, same search triggers), measured in the same run:

- full export of 100 000 rows: ≤ 3 s;
- full import of it into an empty database: ≤ 6 s;
- a delta of 10 000 changed rows, export plus import: ≤ 1.5 s;
- re-importing the already imported 100 000-row file: ≤ 1 s;
- peak memory of a 500 000-row import (in its own process): ≤ 400 MB.

The source databases (structures, people and their functions, 1 : 2 : 2) are built once with
``bulk_insert`` and kept in ``.bench/`` while this module and the schema are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench.context import ROOT, BenchContext, BenchError
from bench.harness import Row
from bench.registry import case

PASSPHRASE = "phrase de passe du banc de mesure"
TABLES = ("organisations", "people", "affiliations")


def _key() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for p in sorted((ROOT / "app" / "storage" / "migrations").glob("*.sql")):
        digest.update(p.read_bytes())
    return digest.hexdigest()[:16]


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _empty(ctx: BenchContext) -> Path:
    """An empty database (schema, reference data), copied for each run."""
    from app.services.workspace import open_workspace

    path = ctx.bench_dir / "sync" / "vide.sqlite"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        open_workspace(path).close()
    return path


def _source(ctx: BenchContext, rows: int) -> Path:
    """A database holding ``rows`` synced rows (plus the reference data), built once."""
    from app.services.workspace import open_workspace
    from app.storage.ids import derived_id
    from app.storage.models import Affiliation, Organisation, Person
    from app.storage.stamping import bulk_insert

    path = ctx.bench_dir / "sync" / f"source-{rows}-{_key()}.sqlite"
    if path.exists() and not ctx.rebuild:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove(path)
    print(f"Construction d'une base de {rows} enregistrements…", flush=True)
    n_org, n_people = rows // 5, 2 * rows // 5
    orgs = [derived_id("bench-sync-org", str(i)) for i in range(n_org)]
    with open_workspace(path) as ws:
        for start in range(0, n_people, 50_000):
            with ws.unit(write=True) as s:
                if start == 0:
                    bulk_insert(s, Organisation, [
                        {"id": o, "name": f"Structure d'insertion n° {i}", "kind_code": "association",
                         "city": "Auxerre", "postcode": "89000", "email": f"contact{i}@structure{i}.fr",
                         "phone": "+33386000000", "notes": "Partenaire du PLIE depuis 2019."}
                        for i, o in enumerate(orgs)])
                people = [derived_id("bench-sync-person", str(i)) for i in range(start, min(start + 50_000, n_people))]
                bulk_insert(s, Person, [
                    {"id": p, "last_name": f"Nom{start + i}", "first_name": "Camille",
                     "email": f"camille.{start + i}@exemple.fr", "category": "technicien"}
                    for i, p in enumerate(people)])
                bulk_insert(s, Affiliation, [
                    {"id": derived_id("bench-sync-aff", p), "person_id": p,
                     "organisation_id": orgs[(start + i) % n_org], "function": "Chargée de mission"}
                    for i, p in enumerate(people)])
    return path


def _copy(src: Path, dest: Path) -> Path:
    _remove(dest)
    shutil.copyfile(src, dest)
    return dest


def _bare(ctx: BenchContext, source: Path, work: Path) -> float:
    """The rows of ``source``, already read, inserted by one executemany per table into an
    empty copy: the floor any import can hope for on this machine."""
    from app.domain.text import fold

    src = sqlite3.connect(source)
    data = {}
    for t in TABLES:
        cur = src.execute(f"SELECT * FROM {t}")
        data[t] = ([c[0] for c in cur.description], cur.fetchall())
    src.close()
    target = _copy(_empty(ctx), work / "nu.sqlite")
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.create_function("maillage_fold", 1, fold, deterministic=True)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for t, (cols, rows) in data.items():
            conn.executemany(f"INSERT INTO {t} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


def _full_file(ctx: BenchContext, source: Path, work: Path) -> Path:
    from app.services.workspace import open_workspace
    from app.sync.service import export_file

    dest = work / "complet.msync"
    if not dest.exists():
        with open_workspace(source) as ws:
            export_file(ws, dest, full=True, passphrase=PASSPHRASE)
    return dest


def _workdir(ctx: BenchContext) -> Path:
    def make() -> Path:
        ctx.bench_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="sync-", dir=ctx.bench_dir))

    return ctx.memo("sync-work", make)


@case("sync_export_full_100k", "synchronisation : fichier complet de 100 000 lignes (3 s)")
def sync_export_full(ctx: BenchContext) -> Row:
    from app.services.workspace import open_workspace
    from app.sync.service import export_file

    source = _source(ctx, 100_000)
    work = _workdir(ctx)
    samples, bare = [], []
    with open_workspace(source) as ws:
        for run in range(ctx.runs):
            started = time.perf_counter()
            report = export_file(ws, work / f"export-{run}.msync", full=True, passphrase=PASSPHRASE)
            samples.append(time.perf_counter() - started)
            if report.rows < 100_000:
                raise BenchError(f"fichier incomplet : {report.rows} lignes")
            (work / f"export-{run}.msync").unlink()
    for _ in range(min(ctx.runs, 3)):
        bare.append(_bare(ctx, source, work))
    return Row.from_samples("sync_export_full_100k", samples, target_s=3.0, baseline_samples=bare)


@case("sync_import_full_100k", "synchronisation : import complet de 100 000 lignes dans une base vide (6 s)")
def sync_import_full(ctx: BenchContext) -> list[Row]:
    from app.services.workspace import open_workspace
    from app.sync.service import import_file

    source = _source(ctx, 100_000)
    work = _workdir(ctx)
    f = _full_file(ctx, source, work)
    samples, again, bare = [], [], []
    for run in range(ctx.runs):
        target = _copy(_empty(ctx), work / f"import-{run}.sqlite")
        with open_workspace(target) as ws:
            started = time.perf_counter()
            report = import_file(ws, f, passphrase=PASSPHRASE)
            samples.append(time.perf_counter() - started)
            if report.created < 100_000:
                raise BenchError(f"import incomplet : {report.created} lignes créées")
            started = time.perf_counter()
            if not import_file(ws, f, passphrase=PASSPHRASE).already_imported:
                raise BenchError("le fichier n'a pas été reconnu comme déjà importé")
            again.append(time.perf_counter() - started)
        _remove(target)
        bare.append(_bare(ctx, source, work))
    return [
        Row.from_samples("sync_import_full_100k", samples, target_s=6.0, baseline_samples=bare, max_ratio=2.0),
        Row.from_samples("sync_reimport_100k", again, target_s=1.0, baseline_samples=bare),
    ]


@case("sync_delta_10k", "synchronisation : 10 000 lignes modifiées, fichier puis import (1,5 s)")
def sync_delta(ctx: BenchContext) -> Row:
    from sqlalchemy import select

    from app.services.workspace import open_workspace
    from app.storage.models import Person
    from app.sync.service import export_file, import_file

    source = _source(ctx, 100_000)
    work = _workdir(ctx)
    f = _full_file(ctx, source, work)
    a = open_workspace(_copy(source, work / "delta-a.sqlite"))
    b = open_workspace(_copy(_empty(ctx), work / "delta-b.sqlite"))
    try:
        import_file(b, f, passphrase=PASSPHRASE)
        export_file(b, work / "accuse.msync", passphrase=PASSPHRASE)
        import_file(a, work / "accuse.msync", passphrase=PASSPHRASE)
        with a.unit() as s:
            ids = list(s.execute(select(Person.id).order_by(Person.id).limit(10_000)).scalars())
        samples, bare_rows = [], []
        for run in range(ctx.runs):
            with a.unit(write=True) as s:
                for i, pid in enumerate(ids):
                    s.get(Person, pid).notes = f"Relance {run} n° {i}"
            started = time.perf_counter()
            report = export_file(a, work / f"delta-{run}.msync", to_site=b.site_id, passphrase=PASSPHRASE)
            result = import_file(b, work / f"delta-{run}.msync", passphrase=PASSPHRASE)
            samples.append(time.perf_counter() - started)
            if report.rows != 10_000 or result.updated != 10_000:
                raise BenchError(f"delta inattendu : {report.rows} lignes, {result.updated} mises à jour")
            export_file(b, work / f"accuse-{run}.msync", to_site=a.site_id, passphrase=PASSPHRASE)
            import_file(a, work / f"accuse-{run}.msync", passphrase=PASSPHRASE)
        # baseline: the same 10 000 rows by one bare executemany into an empty copy
        bare_rows.append(_bare_people(ctx, a.path, ids, work))
    finally:
        a.close()
        b.close()
    return Row.from_samples("sync_delta_10k", samples, target_s=1.5, baseline_samples=bare_rows)


def _bare_people(ctx: BenchContext, source: Path, ids: list[str], work: Path) -> float:
    from app.domain.text import fold

    src = sqlite3.connect(source)
    wanted = set(ids)
    cur = src.execute("SELECT * FROM people")
    cols = [c[0] for c in cur.description]
    rows = [r for r in cur if r[cols.index("id")] in wanted]
    src.close()
    target = _copy(_empty(ctx), work / "nu-delta.sqlite")
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.create_function("maillage_fold", 1, fold, deterministic=True)
        conn.execute("PRAGMA journal_mode = WAL")
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO people ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


_IMPORT_IN_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from app.services.workspace import open_workspace
from app.sync.service import import_file
ws = open_workspace(Path(sys.argv[1]))
started = time.perf_counter()
report = import_file(ws, Path(sys.argv[2]), passphrase=sys.argv[3])
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "created": report.created,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@case("sync_import_500k_memory", "synchronisation : mémoire d'un import de 500 000 lignes (400 Mo)")
def sync_import_memory(ctx: BenchContext) -> Row:
    source = _source(ctx, 500_000)
    work = _workdir(ctx)
    f = work / "complet-500k.msync"
    if not f.exists():
        from app.services.workspace import open_workspace
        from app.sync.service import export_file

        with open_workspace(source) as ws:
            export_file(ws, f, full=True, passphrase=PASSPHRASE)
    target = _copy(_empty(ctx), work / "import-500k.sqlite")
    done = subprocess.run([ctx.python, "-c", _IMPORT_IN_CHILD, str(target), str(f), PASSPHRASE],
                          cwd=ctx.root, env=ctx.env(), capture_output=True, text=True, timeout=3600)
    _remove(target)
    if done.returncode != 0:
        raise BenchError(f"import impossible : {done.stderr.strip()[-400:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["created"] < 500_000:
        raise BenchError(f"import incomplet : {result['created']} lignes")
    return Row.from_samples("sync_import_500k_memory", [result["seconds"]],
                            rss_samples=[result["peak_mb"]], target_rss_mb=400.0)
