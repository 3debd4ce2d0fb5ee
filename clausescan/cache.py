"""Result cache: SQLite, keyed by file content + clausescan version + model + playbook + options.

A re-scan of an unchanged folder reads every result from here; a batch that was interrupted
resumes, because each result is stored as soon as it is made. Values are compressed JSON
(never pickle). Only the parent process writes.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import stat
import zlib
from pathlib import Path
from typing import Any

from clausescan.model import DocumentResult, result_from_dict

SCHEMA = "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL)"


def default_cache_path() -> Path:
    override = os.environ.get("CLAUSESCAN_CACHE_DIR")
    if override:
        return Path(override) / "results.sqlite"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("clausescan")) / "results.sqlite"


def file_sha256(path: Path, limit: int) -> str | None:
    """Content hash of a file, or None if it cannot be read (the scan will report why)."""
    h = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None  # FIFOs, devices: opening could block; the scan reports them
        with open(path, "rb") as fh:
            read = 0
            while chunk := fh.read(1 << 20):
                read += len(chunk)
                if read > limit:
                    return None
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


# Finding fields copied from the playbook's rule: the same in every document, so the cache stores
# them once (in memory, from the playbook) rather than in every result: a fifth of a result's size.
STATIC_FINDING_FIELDS = ("title", "rationale", "recommendation", "sources")


class ResultCache:
    def __init__(self, path: Path, context: str, rule_fields: dict[str, dict[str, Any]] | None = None) -> None:
        """``context`` identifies everything but the file: version, model, playbook, options.

        ``rule_fields``: per rule id, the STATIC_FINDING_FIELDS values the playbook gives its findings
        (the playbook is part of ``context``, so they are the same for every cached result).
        """
        self.path = path
        self.context = context
        self.rule_fields = rule_fields or {}
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(SCHEMA)
        self.db.commit()
        self.hits = 0
        self.misses = 0

    def key(self, sha256: str) -> str:
        return hashlib.sha256(f"{self.context}|{sha256}".encode()).hexdigest()

    def get(self, sha256: str, shown_path: str) -> DocumentResult | None:
        row = self.db.execute("SELECT value FROM results WHERE key = ?", (self.key(sha256),)).fetchone()
        if row is None:
            self.misses += 1
            return None
        # Decoding makes ~2,000 acyclic objects per document; pausing the cyclic GC, which would scan
        # them again and again for nothing, makes a cached re-scan ~20% faster.
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._decode(row[0], shown_path)
        finally:
            if paused:
                gc.enable()

    def _decode(self, blob: bytes, shown_path: str) -> DocumentResult | None:
        data = json.loads(zlib.decompress(blob))
        for f in data.get("provisions", []):
            shared = f.pop("_from_rule", ())
            fields = self.rule_fields.get(f.get("rule_id", ""), {})
            if any(k not in fields for k in shared):  # cannot happen for the same playbook: be safe
                self.misses += 1
                return None
            f.update({k: fields[k] for k in shared})
        self.hits += 1
        data["path"] = shown_path  # the same content may live at another path
        return result_from_dict(data)

    def put(self, sha256: str, result: DocumentResult) -> None:
        data = result.to_dict()
        for f in data.get("provisions", []):
            fields = self.rule_fields.get(f.get("rule_id", ""), {})
            shared = [k for k in STATIC_FINDING_FIELDS if k in fields and f.get(k) == fields[k]]
            for k in shared:
                del f[k]
            if shared:
                f["_from_rule"] = shared
        blob = zlib.compress(json.dumps(data, sort_keys=True).encode("utf-8"), 6)
        self.db.execute("INSERT OR REPLACE INTO results (key, value) VALUES (?, ?)", (self.key(sha256), blob))
        self.db.commit()

    def close(self) -> None:
        self.db.close()
