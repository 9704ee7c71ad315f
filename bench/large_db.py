"""The large demo database, built once with ``maillage demo --scale large`` and cached.

``.bench/large.sqlite`` is rebuilt when it is missing or when its key changed: a hash of the
demo generator (every file under ``app/demo/``) and of the schema
(``app/storage/migrations/*.sql``). ``.bench/large.json`` keeps the key and how long the
generation took, which is the "demo_large_generation" measurement.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bench.context import BenchContext, BenchError


@dataclass(frozen=True)
class LargeDb:
    path: Path
    generation_s: float
    built_now: bool


def cache_key(root: Path) -> str:
    """SHA-256 over the demo generator's files and the migration scripts (names and bytes)."""
    digest = hashlib.sha256()
    files = [p for p in sorted((root / "app" / "demo").rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    files += sorted((root / "app" / "storage" / "migrations").glob("*.sql"))
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def ensure_large_db(ctx: BenchContext) -> LargeDb:
    """The cached large database, (re)built with the CLI when needed (the build is timed)."""
    path = ctx.bench_dir / "large.sqlite"
    meta_path = ctx.bench_dir / "large.json"
    key = cache_key(ctx.root)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    if not ctx.rebuild and path.is_file() and meta.get("key") == key and "seconds" in meta:
        print(f"Base large en cache : {path} (générée en {meta['seconds']:.1f} s)")
        return LargeDb(path, float(meta["seconds"]), built_now=False)

    print("Génération de la base de démonstration large (maillage demo --scale large)…", flush=True)
    # One building file per process: two benchmark runs at once never write the same file.
    building = ctx.bench_dir / "construction" / f"large-{os.getpid()}.sqlite"
    building.parent.mkdir(parents=True, exist_ok=True)
    _remove_db(building)
    command = [*ctx.maillage_command(), "demo", "--db", str(building), "--scale", "large"]
    started = time.perf_counter()
    result = subprocess.run(command, env=ctx.env(), stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if result.returncode != 0 or not building.is_file():
        raise BenchError(f"« maillage demo --scale large » a échoué (code {result.returncode})")
    # Fold the WAL into the file so that moving it keeps everything.
    with sqlite3.connect(building) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    _remove_db(path)
    os.replace(building, path)
    _remove_db(building)
    meta_path.write_text(
        json.dumps({
            "key": key,
            "seconds": round(seconds, 3),
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "size_bytes": path.stat().st_size,
        }, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"Base large prête : {path} ({path.stat().st_size / 1e6:.0f} Mo, {seconds:.1f} s)")
    return LargeDb(path, seconds, built_now=True)


def large_db(ctx: BenchContext) -> LargeDb:
    """Shared by every case of one run."""
    return ctx.memo("large_db", lambda: ensure_large_db(ctx))
