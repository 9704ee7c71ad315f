"""Structures and contacts on the large demo database (100 000 contacts, 20 000 structures):

- search as you type, from the query to the result rows: median ≤ 20 ms, 95th percentile
  ≤ 50 ms — the global search (Ctrl+K) and the contacts list's search field (count + first
  page), each over the prefixes a person types (« s », « se », « sev »…) of names, communes,
  e-mails, phone numbers and SIRET taken from the base;
- opening the contacts list (count + first page through ``app.services.lists``): ≤ 300 ms
  and ≤ 50 MB of memory growth, measured in a fresh process;
- importing 10 000 structures from a CSV file: ≤ 3 s, and ≤ 5× a bare ``executemany`` of the
  same rows into the same table (same triggers), measured in the same run.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench.context import BenchContext, BenchError
from bench.harness import Row
from bench.large_db import large_db
from bench.registry import case

SEARCH_MEDIAN_S = 0.020
SEARCH_P95_S = 0.050
IMPORT_ROWS = 10_000


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _typed(word: str) -> list[str]:
    """What a person types, keystroke by keystroke: « s », « se », « sev »…"""
    return [word[:n] for n in range(1, len(word) + 1)]


def _queries(path: Path, seed: int = 7) -> list[str]:
    """Keystroke sequences over real values of the base (read with plain sqlite3)."""
    rng = random.Random(seed)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        people = conn.execute(
            "SELECT last_name, first_name, email, mobile FROM people WHERE deleted = 0 "
            "ORDER BY id LIMIT 2000").fetchall()
        orgs = conn.execute(
            "SELECT name, city, siret, phone FROM organisations WHERE deleted = 0 "
            "ORDER BY id LIMIT 2000").fetchall()
    queries: list[str] = []
    for last, first, email, mobile in rng.sample(people, 6):
        queries += _typed(first.split("-")[0].lower()[:8])
        queries += _typed(last.lower()[:8])
        queries.append(f"{first} {last[:3]}")
        if email:
            queries.append(email.split("@")[0][:6])
        if mobile and mobile.startswith("+33"):
            national = "0" + mobile[3:]
            queries += [national[:4], f"{national[:2]} {national[2:4]} {national[4:6]}"]
    for name, city, siret, phone in rng.sample(orgs, 6):
        queries += _typed(name.split()[0].lower()[:7])
        queries += _typed((city or "auxerre").lower()[:6])
        if siret:
            queries.append(f"{siret[:3]} {siret[3:6]} {siret[6:9]}")
        if phone and phone.startswith("+33"):
            queries.append("0" + phone[3:7])
    return queries


def _search_rows(name: str, samples: list[float]) -> list[Row]:
    return [
        Row.from_samples(name, samples, target_s=SEARCH_MEDIAN_S),
        Row(name=f"{name}_p95", median_s=round(_p95(samples), 4), target_s=SEARCH_P95_S),
    ]


@case("partners_search_global_large",
      "recherche globale (Ctrl+K) à la frappe, base large (médiane 20 ms, 95 % ≤ 50 ms)")
def partners_search_global_large(ctx: BenchContext) -> list[Row]:
    from app.services import search
    from app.services.workspace import open_workspace

    db = large_db(ctx)
    queries = _queries(db.path)
    samples = []
    with open_workspace(db.path, create=False) as ws:
        search.global_search(ws, "a")  # warm the page cache once
        for _ in range(max(1, ctx.runs // 2)):
            for q in queries:
                started = time.perf_counter()
                search.global_search(ws, q, limit=20)
                samples.append(time.perf_counter() - started)
    return _search_rows("partners_search_global_large", samples)


@case("partners_search_contacts_list_large",
      "recherche dans la liste des contacts (nombre + première page), base large")
def partners_search_contacts_list_large(ctx: BenchContext) -> list[Row]:
    from app.services import lists
    from app.services.lists import ListQuery
    from app.services.workspace import open_workspace

    db = large_db(ctx)
    queries = _queries(db.path)
    samples = []
    with open_workspace(db.path, create=False) as ws:
        lists.count(ws, "contacts", ListQuery(search="a"))
        for q in queries:
            query = ListQuery(search=q)
            started = time.perf_counter()
            lists.count(ws, "contacts", query)
            lists.fetch(ws, "contacts", query, 0, 100)
            samples.append(time.perf_counter() - started)
    return _search_rows("partners_search_contacts_list_large", samples)


_OPEN_LIST = r"""
import json, sys, time
from pathlib import Path

def rss_mb():
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import tracemalloc
    return tracemalloc.get_traced_memory()[0] / 1e6

from app.services import lists
from app.services.lists import ListQuery
from app.services.workspace import open_workspace

ws = open_workspace(Path(sys.argv[1]), create=False)
lists.view("contacts")
before = rss_mb()
started = time.perf_counter()
total = lists.count(ws, "contacts", ListQuery())
page = lists.fetch(ws, "contacts", ListQuery(), 0, 100)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "growth_mb": rss_mb() - before, "total": total,
                  "rows": len(page.rows)}))
"""


@case("partners_contacts_list_open_large",
      "ouverture de la liste des contacts (100 000), base large (300 ms, 50 Mo de plus)")
def partners_contacts_list_open_large(ctx: BenchContext) -> Row:
    db = large_db(ctx)
    seconds, growth = [], []
    for _ in range(ctx.runs):
        done = subprocess.run([ctx.python, "-c", _OPEN_LIST, str(db.path)], cwd=ctx.root,
                              env=ctx.env(), capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise BenchError(f"ouverture de la liste impossible : {done.stderr.strip()[-400:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if result["rows"] == 0:
            raise BenchError("la liste des contacts est vide")
        seconds.append(result["seconds"])
        growth.append(result["growth_mb"])
    return Row.from_samples("partners_contacts_list_open_large", seconds, target_s=0.300,
                            rss_samples=growth, target_rss_mb=50.0)


# --- Import ------------------------------------------------------------------------------

_KINDS = ("ACI", "Association", "Mission Locale", "Entreprise d'insertion (EI)", "Commune", "PLIE")
_CITIES = (("Auxerre", "89000"), ("Sens", "89100"), ("Mamoudzou", "97600"),
           ("Maubeuge", "59600"), ("Saint-Denis", "97400"), ("Toucy", "89130"))


def _siret(rng: random.Random) -> str:
    from stdnum import luhn

    siren = f"{rng.randrange(10**8):08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{rng.randrange(10**4):04d}"
    return body + luhn.calc_check_digit(body)


def _write_csv(path: Path) -> None:
    """10 000 structures as a partner sends them: French headers, formatted numbers."""
    rng = random.Random(2026)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["Raison sociale", "Sigle", "SIRET", "Adresse", "Code postal", "Ville",
                         "Téléphone", "Courriel", "Type", "Site web"])
        for i in range(IMPORT_ROWS):
            s = _siret(rng)
            city, postcode = rng.choice(_CITIES)
            phone = ("026961" if postcode == "97600" else "038612") + f"{rng.randrange(10**4):04d}"
            writer.writerow([
                f"Structure d'insertion n° {i}", f"SI{i}", f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}",
                f"{i} rue de la République", postcode, city,
                " ".join(phone[k:k + 2] for k in range(0, 10, 2)),
                f"contact{i}@structure{i}.fr", rng.choice(_KINDS), f"www.structure{i}.fr",
            ])


def _bare_executemany(path: Path, rows: list[dict]) -> float:
    """The same rows, already converted, inserted with one executemany on a plain sqlite3
    connection (the same table, so the same search triggers)."""
    from app.domain.text import fold

    columns = list(rows[0])
    data = [tuple(json.dumps(r[c], separators=(",", ":")) if isinstance(r[c], (list, dict))
                  else r[c] for c in columns) for r in rows]
    sql = (f"INSERT INTO organisations ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' for _ in columns)})")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.create_function("maillage_fold", 1, fold, deterministic=True)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, data)
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


@case("partners_import_10000_structures",
      "import CSV de 10 000 structures (3 s, 5× un executemany nu des mêmes lignes)")
def partners_import_10000_structures(ctx: BenchContext) -> Row:
    from sqlalchemy import select

    from app.io.partners_import import import_organisations
    from app.services.workspace import open_workspace
    from app.storage.models import Organisation

    ctx.bench_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="import-", dir=ctx.bench_dir))
    try:
        source = work / "structures.csv"
        _write_csv(source)
        empty = work / "vide.sqlite"
        open_workspace(empty).close()
        imports, bares = [], []
        for run in range(ctx.runs):
            target = work / f"import-{run}.sqlite"
            shutil.copyfile(empty, target)
            with open_workspace(target, create=False) as ws:
                started = time.perf_counter()
                report = import_organisations(ws, source)
                imports.append(time.perf_counter() - started)
                if report.created != IMPORT_ROWS:
                    raise BenchError(f"import incomplet : {report.created} structures, "
                                     f"{len(report.rejected)} refus")
                with ws.unit() as s:
                    columns = [c for c in Organisation.__table__.columns]
                    rows = [dict(zip([c.key for c in columns], r)) for r in
                            s.execute(select(*columns)).all()]
            # The baseline: the very rows the import wrote, into another empty copy.
            bare_db = work / f"bare-{run}.sqlite"
            shutil.copyfile(empty, bare_db)
            bares.append(_bare_executemany(bare_db, rows))
        return Row.from_samples("partners_import_10000_structures", imports, target_s=3.0,
                                baseline_samples=bares, max_ratio=5.0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
