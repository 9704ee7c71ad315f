"""The benchmark harness (``python -m bench``) on tiny cases — not the real large benchmark."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bench.__main__ import run_cases
from bench.context import BenchContext, BenchError
from bench.harness import ROW_KEYS, Row, load_results, median, merge_results, table_lines
from bench.large_db import cache_key
from bench.registry import Registry, load_cases
from bench.startup import BASELINE_SCRIPT, time_first_paint


def test_median_of_odd_and_even_samples() -> None:
    assert median([3.0, 1.0, 2.0, 10.0, 0.5]) == 2.0
    assert median([4.0, 1.0, 2.0, 3.0]) == 2.5
    with pytest.raises(ValueError):
        median([])


def test_row_from_samples_computes_median_ratio_and_peak_memory() -> None:
    row = Row.from_samples(
        "demarrage", [1.2, 0.9, 1.0, 5.0, 1.1], target_s=1.5,
        baseline_samples=[0.5, 0.4, 0.6], max_ratio=2.0,
        rss_samples=[120.0, 180.5, 150.0], target_rss_mb=250.0,
    )
    assert row.median_s == 1.1
    assert row.baseline_s == 0.5
    assert row.ratio == pytest.approx(2.2)
    assert row.peak_rss_mb == 180.5
    assert row.misses() == ["rapport"]


def test_results_file_has_exactly_the_contract_keys_and_merges_by_name(tmp_path: Path) -> None:
    path = tmp_path / ".bench" / "results.json"
    merge_results(path, [Row.from_samples("a", [1.0], target_s=2.0), Row("b", median_s=3.0)])
    merge_results(path, [Row.from_samples("a", [0.5, 0.7, 0.6], target_s=2.0), Row("c")])

    data = json.loads(path.read_text(encoding="utf-8"))
    assert [item["name"] for item in data] == ["a", "b", "c"]
    for item in data:
        assert set(item) == set(ROW_KEYS) == {
            "name", "median_s", "target_s", "baseline_s", "ratio", "max_ratio", "peak_rss_mb",
            "target_rss_mb",
        }
    assert data[0]["median_s"] == 0.6  # replaced by the new run
    assert data[1]["median_s"] == 3.0  # another case's row is kept
    assert data[2]["median_s"] is None and data[2]["ratio"] is None  # null where not applicable


def test_unreadable_results_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text("[{\"name\": \"x\"}]", encoding="utf-8")  # keys missing
    assert load_results(path) == []
    merge_results(path, [Row("y", median_s=1.0)])
    assert [r.name for r in load_results(path)] == ["y"]


def test_table_marks_missed_targets_and_failures() -> None:
    ok = Row.from_samples("rapide", [0.1], target_s=1.0)
    slow = Row.from_samples("lent", [3.0], target_s=1.0, rss_samples=[300.0], target_rss_mb=250.0)
    text = "\n".join(table_lines([("rapide", ok, None), ("lent", slow, None), ("casse", None, "boum")]))
    lines = text.splitlines()
    assert lines[0].startswith("Mesure")
    assert "ok" in lines[2]
    assert "DÉPASSÉ (durée, mémoire)" in lines[3]
    assert "ÉCHEC" in lines[4]
    assert "3,00\u00a0s" in lines[3]


def test_runner_merges_rows_and_counts_failures(tmp_path: Path) -> None:
    registry = Registry()

    @registry.case("minuscule", "un cas de test")
    def tiny(ctx: BenchContext) -> Row:
        return Row.from_samples("minuscule", [0.01, 0.02, 0.03], target_s=1.0)

    @registry.case("double")
    def double(ctx: BenchContext) -> list[Row]:
        return [Row("double_a", median_s=1.0), Row("double_b", median_s=2.0)]

    @registry.case("impossible")
    def impossible(ctx: BenchContext) -> Row:
        raise BenchError("rien à mesurer")

    with pytest.raises(ValueError):
        registry.case("minuscule")(tiny)

    results = tmp_path / "results.json"
    merge_results(results, [Row("ancien", median_s=9.0)])
    ctx = BenchContext(bench_dir=tmp_path, runs=1)
    entries, failures = run_cases(registry, None, ctx, results)

    assert failures == 1
    assert [name for name, _, _ in entries] == ["minuscule", "double_a", "double_b", "impossible"]
    assert [r.name for r in load_results(results)] == ["ancien", "minuscule", "double_a", "double_b"]
    assert load_results(results)[1].median_s == 0.02

    with pytest.raises(KeyError):
        registry.select(["inconnu"])


def test_the_real_cases_are_registered() -> None:
    names = load_cases().names()
    assert {"demo_large_generation", "startup_first_paint_large"} <= set(names)


def test_time_first_paint_reads_the_line_and_reported_memory() -> None:
    script = (
        "import json, time; print('démarrage…', flush=True); time.sleep(0.05); "
        "print(json.dumps({'event': 'first_paint', 'rss_mb': 42.5}), flush=True)"
    )
    result = time_first_paint([sys.executable, "-c", script])
    assert 0.05 <= result.seconds < 30
    assert result.rss_mb == 42.5


def test_time_first_paint_explains_a_missing_line() -> None:
    script = "import sys; sys.stderr.write('plantage au démarrage\\n'); sys.exit(3)"
    with pytest.raises(BenchError, match="plantage au démarrage"):
        time_first_paint([sys.executable, "-c", script])


def test_baseline_window_reports_its_first_paint() -> None:
    result = time_first_paint([sys.executable, "-c", BASELINE_SCRIPT],
                              env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert 0 < result.seconds < 60
    assert result.rss_mb > 10


def test_large_db_cache_key_follows_the_generator_and_the_schema(tmp_path: Path) -> None:
    (tmp_path / "app" / "demo").mkdir(parents=True)
    (tmp_path / "app" / "storage" / "migrations").mkdir(parents=True)
    generator = tmp_path / "app" / "demo" / "__init__.py"
    schema = tmp_path / "app" / "storage" / "migrations" / "0001_initial.sql"
    generator.write_text("SEED = 1\n")
    schema.write_text("CREATE TABLE t (id);\n")
    first = cache_key(tmp_path)
    assert cache_key(tmp_path) == first
    generator.write_text("SEED = 2\n")
    second = cache_key(tmp_path)
    assert second != first
    (tmp_path / "app" / "storage" / "migrations" / "0002_more.sql").write_text("SELECT 1;\n")
    assert cache_key(tmp_path) != second


def test_time_first_paint_gives_up_on_a_silent_process() -> None:
    with pytest.raises(BenchError, match="first_paint"):
        time_first_paint([sys.executable, "-c", "import time; time.sleep(30)"], timeout=1.0)
