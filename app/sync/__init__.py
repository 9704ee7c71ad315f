"""Sync by file between antennas and the head office (no server).

Layers, bottom up:

- :mod:`app.sync.merge` — per-row, per-field merge under version vectors (pure functions on
  *wire rows*, see :mod:`app.sync.codec`); conflicts;
- :mod:`app.sync.crypto` — passphrase key derivation (scrypt), the encrypted container
  (AES-256-GCM in segments), Ed25519 signatures;
- :mod:`app.sync.package` — the zip inside: signed manifest, NDJSON parts, images by hash;
  full verification before anything is applied;
- :mod:`app.sync.state` — this machine's keys, knowledge vector and export checkpoints;
- :mod:`app.sync.exporting` / :mod:`app.sync.importing` — the two long jobs;
- :mod:`app.sync.service` — the API for the GUI and the CLI (frozen dataclasses).

Import what you need from :mod:`app.sync.service`.
"""
