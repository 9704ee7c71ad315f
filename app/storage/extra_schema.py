"""Schema objects SQLAlchemy's metadata does not describe (virtual tables, triggers-free
helpers), appended to the generated version-1 script.

Each entry is one SQL statement ending with ``;`` on its last line. Tables created here
must be named ``local_*`` or ``search_*`` (the model-comparison test ignores those).
"""

from __future__ import annotations

EXTRA_DDL: tuple[str, ...] = ()
