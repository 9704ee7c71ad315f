"""Merging two states of one row: per-field multi-value registers under a version vector.

Vocabulary (see :class:`app.storage.models.base.Synced` for the columns):

- a *stamp* ``[hlc, site, counter]`` names one write; ``(site, counter)`` is its *dot*;
- a row's version vector ``sync_vv`` says which writes its state has seen: dot ``(s, c)`` is
  *covered* when ``vv[s] >= c``;
- each field holds a set of *entries* ``(value, stamp)``: the shown value with its stamp
  (``sync_fields[field]``, or the base stamp ``sync_fields["_"]``) plus the concurrent losing
  values in ``sync_siblings[field]``.

Merging two states ``A`` and ``B`` (:func:`merge_row`):

1. RGPD erasure wins: an erased state is kept as is against a non-erased one, whatever its
   vector — an older file can never bring personal values back.
2. ``incoming ≤ local`` → nothing to do (this is what makes re-import idempotent and skips
   our own rows coming back); ``local ≤ incoming`` → take the incoming state wholesale.
3. Otherwise, field by field (a multi-value register): an entry survives unless the other
   side has seen its dot and no longer holds it (it was overwritten there by an edit that
   had seen it). Surviving entries are ordered by stamp ``(hlc, site, counter)``: the
   greatest is shown, the others become siblings (an open conflict). A field edited on one
   side only keeps that edit; two machines writing the same field concurrently keep both.
   The merged vector is the pointwise maximum.

This merge is commutative, associative and idempotent (tests check it on random histories),
so every machine that has seen the same files holds the same rows, whatever the order.

A conflict is *open* (:func:`open_conflicts`) when a field's entries hold at least two
different values — two machines writing the same value concurrently is not a conflict — or
when a deleted row carries edits its deletion had not seen (« modifié ailleurs pendant sa
suppression ici »). An ordinary local edit of the field supersedes every entry it has seen
(the flush hook clears the siblings of edited fields), which closes the conflict everywhere.

``deleted_vv`` (the vector of the deleting write) follows the side whose ``deleted`` entry is
shown: thanks to hybrid logical clocks (an import moves the local clock past everything it
receives), the shown entry of a merge is always the shown entry of one of the two sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.sync.codec import canonical

Vector = Mapping[str, int]
Stamp = Sequence[Any]  # [hlc, site, counter]
ZERO_STAMP = (0, "", 0)

CREATED = "created"
TAKEN = "taken"
MERGED = "merged"
SKIPPED = "skipped"


# --- version vectors ---------------------------------------------------------------------


def vv_leq(a: Vector | None, b: Vector | None) -> bool:
    """``a ≤ b`` pointwise (``None`` is the empty vector)."""
    b = b or {}
    return all(c <= b.get(site, 0) for site, c in (a or {}).items())


def vv_join(*vectors: Vector | None) -> dict[str, int]:
    """Pointwise maximum."""
    out: dict[str, int] = {}
    for v in vectors:
        for site, c in (v or {}).items():
            if c > out.get(site, 0):
                out[site] = c
    return out


def vv_meet(vectors: Iterable[Vector]) -> dict[str, int]:
    """Pointwise minimum (the empty vector when there is none)."""
    vectors = list(vectors)
    if not vectors:
        return {}
    sites = set(vectors[0]).intersection(*vectors[1:])
    return {s: min(v[s] for v in vectors) for s in sites if min(v[s] for v in vectors) > 0}


def covers(vv: Vector | None, stamp: Stamp) -> bool:
    """Has a state with vector ``vv`` seen the write ``stamp``?"""
    return (vv or {}).get(stamp[1], 0) >= stamp[2]


def stamp_key(stamp: Stamp) -> tuple[int, str, int]:
    """Total order of writes: hybrid clock, then site, then counter."""
    return (int(stamp[0]), str(stamp[1]), int(stamp[2]))


# --- entries -----------------------------------------------------------------------------


def field_stamp(row: Mapping[str, Any], field: str) -> tuple[int, str, int]:
    fields = row.get("sync_fields") or {}
    stamp = fields.get(field) or fields.get("_") or ZERO_STAMP
    return stamp_key(stamp)


def entries(row: Mapping[str, Any], field: str) -> list[tuple[Any, tuple[int, str, int]]]:
    """The ``(value, stamp)`` entries of a field: shown value first, then its siblings."""
    out = [(row[field], field_stamp(row, field))]
    for value, stamp in (row.get("sync_siblings") or {}).get(field, ()):
        out.append((value, stamp_key(stamp)))
    return out


def _dot(stamp: tuple[int, str, int]) -> tuple[str, int]:
    return (stamp[1], stamp[2])


def _merge_field(
    a: list[tuple[Any, tuple[int, str, int]]],
    b: list[tuple[Any, tuple[int, str, int]]],
    vva: Vector,
    vvb: Vector,
) -> list[tuple[Any, tuple[int, str, int]]]:
    dots_a = {_dot(s) for _v, s in a}
    dots_b = {_dot(s) for _v, s in b}
    keep: dict[tuple[str, int], tuple[Any, tuple[int, str, int]]] = {}

    def add(value: Any, stamp: tuple[int, str, int]) -> None:
        dot = _dot(stamp)
        old = keep.get(dot)
        # The same write seen on both sides carries the same value; should it not, pick
        # deterministically so the merge stays commutative.
        if old is None or (canonical(value), stamp) > (canonical(old[0]), old[1]):
            keep[dot] = (value, stamp)

    for value, stamp in a:
        if _dot(stamp) in dots_b or not covers(vvb, stamp):
            add(value, stamp)
    for value, stamp in b:
        if _dot(stamp) in dots_a or not covers(vva, stamp):
            add(value, stamp)
    if not keep:  # pragma: no cover - impossible for states produced by this code
        for value, stamp in (*a, *b):
            add(value, stamp)
        best = max(keep.values(), key=lambda e: e[1])
        return [best]
    return sorted(keep.values(), key=lambda e: e[1], reverse=True)


def _merge_concurrent(
    local: Mapping[str, Any], incoming: Mapping[str, Any], fields: Sequence[str]
) -> dict[str, Any]:
    vva, vvb = local["sync_vv"] or {}, incoming["sync_vv"] or {}
    base_a = stamp_key((local.get("sync_fields") or {}).get("_") or ZERO_STAMP)
    base_b = stamp_key((incoming.get("sync_fields") or {}).get("_") or ZERO_STAMP)
    # The base stamp names the creating write (conventions read their creator from it);
    # two independent creations of one derived id keep the earliest.
    base = min(base_a, base_b)
    out: dict[str, Any] = {"id": local["id"]}
    stamps: dict[str, list[Any]] = {"_": list(base)}
    siblings: dict[str, list[list[Any]]] = {}
    latest = base
    for f in fields:
        merged = _merge_field(entries(local, f), entries(incoming, f), vva, vvb)
        value, stamp = merged[0]
        out[f] = value
        if stamp != base:
            stamps[f] = list(stamp)
        if len(merged) > 1:
            siblings[f] = [[v, list(s)] for v, s in merged[1:]]
        latest = max(latest, merged[0][1])
    out["sync_vv"] = vv_join(vva, vvb)
    out["sync_fields"] = stamps
    out["sync_siblings"] = siblings or None
    out["sync_hlc"], out["sync_site"], out["sync_counter"] = latest
    # The tombstone vector belongs to the shown ``deleted`` entry.
    shown = field_stamp(out, "deleted") if "deleted" in out else None
    from_a = shown is not None and field_stamp(local, "deleted") == shown
    from_b = shown is not None and field_stamp(incoming, "deleted") == shown
    if from_a and from_b:
        dvv = vv_join(local.get("deleted_vv"), incoming.get("deleted_vv"))
        out["deleted_vv"] = dvv if (local.get("deleted_vv") or incoming.get("deleted_vv")) else None
    elif from_a:
        out["deleted_vv"] = local.get("deleted_vv")
    elif from_b:
        out["deleted_vv"] = incoming.get("deleted_vv")
    else:  # pragma: no cover - see the module docstring
        out["deleted_vv"] = {shown[1]: shown[2]} if out.get("deleted") else None
    return out


_COMPARED = ("sync_vv", "sync_fields", "sync_siblings", "deleted_vv")


def same_state(a: Mapping[str, Any], b: Mapping[str, Any], fields: Sequence[str]) -> bool:
    """Do two wire rows hold the same values and the same sync state?"""
    if any(canonical(a.get(k)) != canonical(b.get(k)) for k in _COMPARED):
        return False
    return all(canonical(a[f]) == canonical(b[f]) for f in fields)


def quick_outcome(
    local_vv: Vector | None, local_erased: bool, incoming: Mapping[str, Any]
) -> str | None:
    """The outcome when vectors (and erasure) decide alone; ``None`` when the two states
    are concurrent and must be merged field by field. ``local_vv is None``: absent here."""
    if local_vv is None:
        return CREATED
    incoming_erased = bool(incoming.get("erased"))
    if local_erased and not incoming_erased:
        return SKIPPED
    if incoming_erased and not local_erased:
        return TAKEN
    if vv_leq(incoming["sync_vv"], local_vv):
        return SKIPPED
    if vv_leq(local_vv, incoming["sync_vv"]):
        return TAKEN
    return None


def merge_row(
    local: Mapping[str, Any] | None, incoming: Mapping[str, Any], fields: Sequence[str]
) -> tuple[str, Mapping[str, Any]]:
    """Merge an incoming wire row into the local one (``None`` when absent here).

    Returns ``(outcome, state)``: ``created`` (new here: the incoming row), ``taken`` (the
    incoming row replaces ours), ``merged`` (a new state combining both) or ``skipped``
    (ours is unchanged; ``state`` is ours).
    """
    outcome = quick_outcome(
        None if local is None else (local["sync_vv"] or {}),
        bool(local.get("erased")) if local is not None else False,
        incoming,
    )
    if outcome is not None:
        return outcome, (local if outcome == SKIPPED else incoming)  # type: ignore[return-value]
    assert local is not None
    merged = _merge_concurrent(local, incoming, fields)
    if same_state(merged, local, fields):
        return SKIPPED, local
    return MERGED, merged


# --- conflicts -----------------------------------------------------------------------------

DELETION = "suppression"
VALUES = "valeurs"


@dataclass(frozen=True)
class OpenConflict:
    """One open conflict of a row, in wire values.

    ``entries`` are ``(value, stamp)``, greatest stamp first (the shown one). For a
    deletion conflict, the first entry is the deletion and the others the edits it had not
    seen (their value is the edited field's value, ``field`` of each in ``edited``).
    """

    field: str
    kind: str
    entries: tuple[tuple[Any, tuple[int, str, int]], ...]
    edited: tuple[str, ...] = ()


def open_conflicts(row: Mapping[str, Any], fields: Sequence[str]) -> list[OpenConflict]:
    """The open conflicts of a wire row (see the module docstring)."""
    out: list[OpenConflict] = []
    siblings = row.get("sync_siblings") or {}
    for f in sorted(siblings):
        if f not in row or f == "deleted":
            continue
        es = entries(row, f)
        if len({canonical(v) for v, _s in es}) > 1:
            out.append(OpenConflict(f, VALUES, tuple(es)))
    if row.get("deleted") and not row.get("erased"):
        dvv = row.get("deleted_vv")
        deletion = ("deleted", field_stamp(row, "deleted"))
        unseen: list[tuple[Any, tuple[int, str, int]]] = []
        edited: list[str] = []
        if dvv is not None:
            for f in fields:
                if f == "deleted":
                    continue
                for value, stamp in entries(row, f):
                    if not covers(dvv, stamp):
                        unseen.append((value, stamp))
                        edited.append(f)
            for value, stamp in entries(row, "deleted")[1:]:
                if not value:  # a concurrent restore
                    unseen.append((value, stamp))
                    edited.append("deleted")
        if unseen:
            order = sorted(zip(unseen, edited), key=lambda e: e[0][1], reverse=True)
            out.insert(0, OpenConflict(
                "deleted", DELETION, ((True, deletion[1]), *(e for e, _f in order)),
                tuple(f for _e, f in order),
            ))
    elif "deleted" in siblings and not row.get("erased"):
        es = entries(row, "deleted")
        if len({bool(v) for v, _s in es}) > 1:
            out.insert(0, OpenConflict("deleted", DELETION, tuple(es), ("deleted",) * (len(es) - 1)))
    return out


def max_hlc(row: Mapping[str, Any]) -> int:
    """The greatest clock value a wire row carries (the local clock must move past it)."""
    best = int(row.get("sync_hlc") or 0)
    for stamp in (row.get("sync_fields") or {}).values():
        best = max(best, int(stamp[0]))
    for values in (row.get("sync_siblings") or {}).values():
        for _v, stamp in values:
            best = max(best, int(stamp[0]))
    return best
