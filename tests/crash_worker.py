"""A process that runs one long write on a database so that the crash trials can kill it.

Usage: ``python tests/crash_worker.py OPERATION DATABASE``. It prints ``GO`` once the
database is open (the parent starts its random delay from there), runs the operation, then
prints ``DONE <seconds>``. Operations:

- ``import``: the CSV import of :data:`IMPORT_ROWS` structures
  (``app.io.partners_import.import_organisations``: every line checked, then one
  transaction), preceded by the precautionary backup (``backup_before``) every import takes;
- ``edits``: one unit of work changing :data:`EDIT_ROWS` structures through the ORM
  (stamping and audit hooks included);
- ``sync``: the import of another antenna's sync file (``app.sync.service.import_file``:
  verify, then apply everything in one transaction) of :data:`SYNC_ROWS` structures,
  preceded by its precautionary backup; the file is the third argument;
- ``backup``: a backup of the whole database by chunks (the slow path the GUI uses).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

IMPORT_ROWS = 2_000
EDIT_ROWS = 800
EDIT_CITY = "Ville modifiée"
IMPORT_NAME = "Structure importée"
SYNC_ROWS = 2_000
SYNC_NAME = "Structure d'une autre antenne"
SYNC_PASSPHRASE = "Clé USB du réseau 89 !"


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def write_csv(path: Path) -> None:
    """A partners' file as Excel writes it: ``;``, UTF-8 with BOM, French headers."""
    lines = ["Raison sociale;Code postal;Commune;Téléphone"]
    lines += [f"{IMPORT_NAME} {i};89200;Avallon;03 86 34 {i % 100:02d} {i // 100 % 100:02d}"
              for i in range(IMPORT_ROWS)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")


def run(operation: str, db: Path, extra: Path | None = None) -> None:
    from sqlalchemy import select

    from app.services.backups import backup_before, make_backup
    from app.services.workspace import open_workspace
    from app.storage.models import Organisation

    csv_path = db.with_name("structures.csv")
    if operation == "import":
        write_csv(csv_path)
    ws = open_workspace(db, create=False)
    _say("GO")
    start = time.perf_counter()
    if operation == "import":
        from app.io.partners_import import import_organisations

        backup_before(ws, "import")
        report = import_organisations(ws, csv_path)
        if report.created != IMPORT_ROWS:
            raise SystemExit(f"import incomplet : {report.as_dict()}")
    elif operation == "edits":
        with ws.unit(write=True) as s:
            for org in s.execute(select(Organisation).order_by(Organisation.id).limit(EDIT_ROWS)).scalars():
                org.city = EDIT_CITY
                org.notes = org.notes[:10] + " (revu)"
    elif operation == "sync":
        from app.sync.service import import_file

        backup_before(ws, "synchro")
        report = import_file(ws, extra, passphrase=SYNC_PASSPHRASE)
        if report.created < SYNC_ROWS:
            raise SystemExit(f"synchronisation incomplète : {report}")
    elif operation == "backup":
        make_backup(ws, "manuelle", progress=lambda done, total, message: None)
    else:
        raise SystemExit(f"opération inconnue : {operation}")
    _say(f"DONE {time.perf_counter() - start:.3f}")
    ws.close()


if __name__ == "__main__":
    run(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
