"""The merge on its own: pure functions on rows, and random histories of replicas in memory.

The in-memory replicas stamp their writes exactly like :mod:`app.storage.stamping` (a write
bumps the site counter and the hybrid clock, stamps the fields it changes, clears their
siblings and records the deletion vector), so these properties hold for the real rows too;
the end-to-end tests check the same on databases and files.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.sync.codec import canonical
from app.sync.merge import (
    CREATED,
    DELETION,
    MERGED,
    SKIPPED,
    TAKEN,
    entries,
    merge_row,
    open_conflicts,
    vv_join,
    vv_leq,
    vv_meet,
)

FIELDS = ("name", "city", "email", "deleted", "erased")


class Replica:
    def __init__(self, site: str, skew: int = 0) -> None:
        self.site = site
        self.counter = 0
        self.hlc = 0
        self.skew = skew
        self.rows: dict[str, dict[str, Any]] = {}
        self.tick = 0
        self.writes: list[tuple[str, str, Any, tuple, dict]] = []  # (id, field, value, stamp, ctx)

    def _stamp(self) -> list[Any]:
        self.counter += 1
        self.tick += 1
        self.hlc = max(self.hlc + 1, (self.tick * 10 + self.skew) << 16)
        return [self.hlc, self.site, self.counter]

    def create(self, rid: str, **values: Any) -> None:
        stamp = self._stamp()
        row = {"id": rid, "name": "", "city": "", "email": "", "deleted": False, "erased": False}
        row.update(values)
        row.update(sync_vv={self.site: self.counter}, sync_hlc=stamp[0], sync_site=self.site,
                   sync_counter=self.counter, sync_fields={"_": stamp}, sync_siblings=None,
                   deleted_vv={self.site: self.counter} if row["deleted"] else None)
        self.rows[rid] = row
        for f in FIELDS:
            self.writes.append((rid, f, row[f], tuple(stamp), dict(row["sync_vv"])))

    def edit(self, rid: str, **values: Any) -> None:
        row = self.rows[rid]
        changed = [f for f, v in values.items() if row[f] != v]
        if not changed:
            return
        stamp = self._stamp()
        row.update(values)
        row["sync_vv"] = {**row["sync_vv"], self.site: self.counter}
        row["sync_hlc"], row["sync_site"], row["sync_counter"] = stamp
        fields = dict(row["sync_fields"])
        for f in changed:
            fields[f] = stamp
        row["sync_fields"] = fields
        if row["sync_siblings"]:
            rest = {k: v for k, v in row["sync_siblings"].items() if k not in changed}
            row["sync_siblings"] = rest or None
        if "deleted" in changed:
            row["deleted_vv"] = dict(row["sync_vv"]) if row["deleted"] else None
        for f in changed:
            self.writes.append((rid, f, row[f], tuple(stamp), dict(row["sync_vv"])))

    def erase(self, rid: str) -> None:
        row = self.rows[rid]
        if row["erased"]:
            return
        self.edit(rid, erased=True, email="", name=f"Anonyme {rid}")
        if row["sync_siblings"]:
            rest = {k: v for k, v in row["sync_siblings"].items() if k not in ("email", "name")}
            row["sync_siblings"] = rest or None

    def receive(self, rows: list[dict[str, Any]]) -> None:
        for incoming in rows:
            incoming = copy.deepcopy(incoming)
            self.hlc = max(self.hlc, incoming["sync_hlc"])
            outcome, state = merge_row(self.rows.get(incoming["id"]), incoming, FIELDS)
            if outcome != SKIPPED:
                self.rows[incoming["id"]] = copy.deepcopy(dict(state))

    def snapshot(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(self.rows[k]) for k in sorted(self.rows)]


def semantic(row: dict[str, Any]) -> str:
    """What must converge: values, vector, tombstone vector and every field's entry set."""
    out = {f: row[f] for f in FIELDS}
    out["vv"] = row["sync_vv"]
    out["dvv"] = row["deleted_vv"]
    out["entries"] = {f: sorted(canonical([v, list(s)]) for v, s in entries(row, f)) for f in FIELDS}
    return canonical(out)


def state_of(rep: Replica) -> list[str]:
    return [semantic(rep.rows[k]) for k in sorted(rep.rows)]


# --- vectors -------------------------------------------------------------------------------

def test_vectors() -> None:
    assert vv_leq({}, {"a": 1}) and vv_leq({"a": 1}, {"a": 1, "b": 2})
    assert not vv_leq({"a": 2}, {"a": 1, "b": 5})
    assert vv_join({"a": 1}, {"a": 3, "b": 1}, None) == {"a": 3, "b": 1}
    assert vv_meet([{"a": 3, "b": 1}, {"a": 2}]) == {"a": 2}
    assert vv_meet([]) == {}


# --- the basic cases -----------------------------------------------------------------------

def test_sequential_edits_simply_win_and_are_no_conflict() -> None:
    a, b = Replica("A"), Replica("B")
    a.create("r", name="Régie", city="Sens")
    b.receive(a.snapshot())
    b.edit("r", city="Joigny")
    outcome, state = merge_row(a.rows["r"], b.rows["r"], FIELDS)
    assert outcome == TAKEN and state["city"] == "Joigny"
    assert open_conflicts(state, FIELDS) == []
    # and the stale side coming back is skipped
    assert merge_row(state, a.rows["r"], FIELDS)[0] == SKIPPED


def test_fields_edited_on_one_side_each_merge_without_conflict() -> None:
    a, b = Replica("A"), Replica("B")
    a.create("r", name="Régie", city="Sens")
    b.receive(a.snapshot())
    a.edit("r", name="Régie de quartier")
    b.edit("r", city="Joigny")
    outcome, state = merge_row(a.rows["r"], b.rows["r"], FIELDS)
    assert outcome == MERGED
    assert (state["name"], state["city"]) == ("Régie de quartier", "Joigny")
    assert state["sync_siblings"] is None and open_conflicts(state, FIELDS) == []
    assert state["sync_vv"] == {"A": 2, "B": 1}


def test_concurrent_edits_of_one_field_keep_both_and_show_the_latest() -> None:
    a, b = Replica("A"), Replica("B", skew=50)
    a.create("r", city="Sens")
    b.receive(a.snapshot())
    a.edit("r", city="Auxerre")
    b.edit("r", city="Avallon")  # later clock
    _o, ab = merge_row(a.rows["r"], b.rows["r"], FIELDS)
    _o, ba = merge_row(b.rows["r"], a.rows["r"], FIELDS)
    assert semantic(ab) == semantic(ba)
    assert ab["city"] == "Avallon"
    [conflict] = open_conflicts(ab, FIELDS)
    assert conflict.field == "city" and [v for v, _s in conflict.entries] == ["Avallon", "Auxerre"]
    # an ordinary edit that has seen both closes it
    a.receive([ab])
    a.edit("r", city="Auxerre")
    assert open_conflicts(a.rows["r"], FIELDS) == []
    b.receive(a.snapshot())
    assert b.rows["r"]["city"] == "Auxerre" and open_conflicts(b.rows["r"], FIELDS) == []


def test_two_machines_writing_the_same_value_is_no_conflict() -> None:
    a, b = Replica("A"), Replica("B")
    a.create("r", city="Sens")
    b.receive(a.snapshot())
    a.edit("r", city="Tonnerre")
    b.edit("r", city="Tonnerre")
    _o, state = merge_row(a.rows["r"], b.rows["r"], FIELDS)
    assert state["city"] == "Tonnerre" and open_conflicts(state, FIELDS) == []


def test_delete_against_concurrent_edit_is_a_conflict_until_restored() -> None:
    a, b = Replica("A"), Replica("B")
    a.create("r", name="Régie", city="Sens")
    b.receive(a.snapshot())
    a.edit("r", deleted=True)
    b.edit("r", city="Joigny")
    _o, state = merge_row(a.rows["r"], b.rows["r"], FIELDS)
    assert state["deleted"] is True and state["city"] == "Joigny"
    [conflict] = open_conflicts(state, FIELDS)
    assert conflict.kind == DELETION and conflict.edited == ("city",)
    a.receive([state])
    a.edit("r", deleted=False)
    assert open_conflicts(a.rows["r"], FIELDS) == []
    # confirming the deletion (an edit that has seen the change) closes it too
    b.receive([state])
    b.edit("r", deleted=False)
    b.edit("r", deleted=True)
    assert open_conflicts(b.rows["r"], FIELDS) == []


def test_delete_seen_before_editing_is_no_conflict() -> None:
    a = Replica("A")
    a.create("r", name="x")
    a.edit("r", city="Sens")
    a.edit("r", deleted=True)
    assert open_conflicts(a.rows["r"], FIELDS) == []


def test_erasure_always_wins_even_against_later_edits_and_in_any_order() -> None:
    a, b = Replica("A"), Replica("B", skew=1000)
    a.create("r", name="Jeanne Martin", email="jeanne@example.org")
    b.receive(a.snapshot())
    stale = copy.deepcopy(a.rows["r"])
    a.erase("r")
    b.edit("r", email="j.martin@example.org")  # later clock, concurrent
    for local, incoming in ((a.rows["r"], b.rows["r"]), (b.rows["r"], a.rows["r"]), (a.rows["r"], stale)):
        _o, state = merge_row(local, incoming, FIELDS)
        assert state["erased"] and state["email"] == "" and state["name"] == "Anonyme r"
        values = {canonical(v) for f in FIELDS for v, _s in entries(state, f)}
        assert '"j.martin@example.org"' not in values and '"jeanne@example.org"' not in values


def test_new_row_is_created_and_reimport_is_skipped() -> None:
    a, b = Replica("A"), Replica("B")
    a.create("r", name="x")
    assert merge_row(None, a.rows["r"], FIELDS)[0] == CREATED
    b.receive(a.snapshot())
    assert merge_row(b.rows["r"], a.rows["r"], FIELDS)[0] == SKIPPED


# --- algebra on random histories -----------------------------------------------------------

def _random_history(rng: random.Random, n_sites: int, steps: int, erase: bool) -> list[Replica]:
    reps = [Replica(f"S{i}", skew=rng.randint(-50, 50)) for i in range(n_sites)]
    reps[0].create("r", name="Régie", city="Sens", email="contact@regie.fr")
    for r in reps[1:]:
        r.receive(reps[0].snapshot())
    for _ in range(steps):
        rep = rng.choice(reps)
        op = rng.random()
        if op < 0.45:
            rep.edit("r", **{rng.choice(("name", "city", "email")): rng.choice(("a", "b", "c", "d"))})
        elif op < 0.55:
            rep.edit("r", deleted=not rep.rows["r"]["deleted"])
        elif op < 0.58 and erase:
            rep.erase("r")
        else:
            rep.receive(rng.choice(reps).snapshot())
    return reps


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**9), n_sites=st.integers(2, 4), steps=st.integers(1, 25),
       erase=st.booleans())
def test_merge_is_commutative_associative_and_idempotent(seed: int, n_sites: int, steps: int, erase: bool) -> None:
    reps = _random_history(random.Random(seed), n_sites, steps, erase)
    states = [r.rows["r"] for r in reps]

    def join(x: dict, y: dict) -> dict:
        return dict(merge_row(copy.deepcopy(x), copy.deepcopy(y), FIELDS)[1])

    for x in states:
        assert semantic(join(x, x)) == semantic(x)
        for y in states:
            assert semantic(join(x, y)) == semantic(join(y, x))
            for z in states:
                assert semantic(join(join(x, y), z)) == semantic(join(x, join(y, z)))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**9), n_sites=st.integers(2, 4))
def test_replicas_exchanging_in_random_orders_converge_and_lose_nothing(seed: int, n_sites: int) -> None:
    rng = random.Random(seed)
    reps = [Replica(f"S{i}", skew=rng.randint(-100, 100)) for i in range(n_sites)]
    ids = [f"r{i}" for i in range(4)]
    sent: list[list[dict[str, Any]]] = []
    for step in range(40):
        rep = rng.choice(reps)
        op = rng.random()
        known = [i for i in ids if i in rep.rows]
        if op < 0.15 or not known:
            rid = rng.choice(ids)
            if rid not in rep.rows:
                rep.create(rid, name=f"n{step}")
        elif op < 0.6:
            rep.edit(rng.choice(known), **{rng.choice(("name", "city", "email")): f"v{step}"})
        elif op < 0.7:
            rid = rng.choice(known)
            rep.edit(rid, deleted=not rep.rows[rid]["deleted"])
        elif op < 0.72:
            rep.erase(rng.choice(known))
        else:
            sent.append(rep.snapshot())  # a "file"
            if sent:
                rng.choice(reps).receive(rng.choice(sent))  # stale files, duplicates
    rng.shuffle(sent)
    for rep in reps:  # every file reaches every replica, in any order, some twice
        for batch in sent + sent[: len(sent) // 2]:
            rep.receive(batch)
    for _ in range(2):  # then a final full exchange
        for x in reps:
            for y in reps:
                y.receive(x.snapshot())
    pictures = {canonical(state_of(r)) for r in reps}
    assert len(pictures) == 1

    # No value ever written is lost: it is current, a sibling, or overwritten by a write of
    # that field which had seen it. (Erasure removes personal values on purpose.)
    final = reps[0].rows
    all_writes = [w for r in reps for w in r.writes]
    for rid, field, value, stamp, _ctx in all_writes:
        row = final[rid]
        if row["erased"]:
            continue
        held = {(s[1], s[2]) for _v, s in entries(row, field)}
        if (stamp[1], stamp[2]) in held:
            continue
        superseded = any(
            r2 == rid and f2 == field and ctx2.get(stamp[1], 0) >= stamp[2] and s2 != stamp
            for r2, f2, _v2, s2, ctx2 in all_writes
        )
        assert superseded, (rid, field, value, stamp)
