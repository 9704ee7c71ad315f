"""``python -m bench [--only NAME …] [--runs N] [--rebuild] [--list]`` — run from the repository
root (``make bench``). Prints the table and merges the rows into ``.bench/results.json``."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from bench.context import ROOT, BenchContext, BenchError
from bench.harness import Row, merge_results, table_lines
from bench.registry import Registry, load_cases


def run_cases(registry: Registry, names: list[str] | None, ctx: BenchContext,
              results_path: Path) -> tuple[list[tuple[str, Row | None, str | None]], int]:
    """Run the selected cases; merge what they measured; return the table entries and the
    number of cases that could not measure."""
    entries: list[tuple[str, Row | None, str | None]] = []
    rows: list[Row] = []
    failures = 0
    for item in registry.select(names):
        print(f"— {item.name} : {item.description}", flush=True)
        started = time.perf_counter()
        try:
            result = item.function(ctx)
        except BenchError as exc:
            failures += 1
            entries.append((item.name, None, str(exc)))
            print(f"  ÉCHEC : {exc}", file=sys.stderr)
            continue
        except Exception as exc:  # noqa: BLE001 - one broken case must not hide the others
            failures += 1
            entries.append((item.name, None, repr(exc)))
            traceback.print_exc()
            continue
        produced = result if isinstance(result, list) else [result]
        for row in produced:
            entries.append((row.name, row, None))
            rows.append(row)
        print(f"  fait en {time.perf_counter() - started:.1f} s", flush=True)
    if rows:
        merge_results(results_path, rows)
    return entries, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Mesures de performance de Maillage.")
    parser.add_argument("--only", nargs="+", metavar="NOM", help="ne lancer que ces mesures")
    parser.add_argument("--runs", type=int, default=5, help="nombre de lancements par mesure (médiane)")
    parser.add_argument("--rebuild", action="store_true", help="regénérer la base large même si elle est à jour")
    parser.add_argument("--list", action="store_true", help="lister les mesures disponibles")
    parser.add_argument("--bench-dir", type=Path, default=ROOT / ".bench", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    registry = load_cases()
    if args.list:
        for item in registry:
            print(f"{item.name:<32} {item.description}")
        return 0
    if args.runs < 1:
        parser.error("--runs doit valoir au moins 1")
    ctx = BenchContext(bench_dir=args.bench_dir.resolve(), runs=args.runs, rebuild=args.rebuild)
    try:
        entries, failures = run_cases(registry, args.only, ctx, ctx.results_path)
    except KeyError as exc:
        parser.error(exc.args[0])
    print()
    print("\n".join(table_lines(entries)))
    print(f"\nRésultats : {ctx.results_path}")
    if failures:
        print(f"{failures} mesure(s) impossible(s) : voir les messages ci-dessus.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
