"""clausescan: can the customer get out? Exit-readiness checks for outsourcing contracts.

Library API (the CLI is a thin layer over it)::

    from clausescan import scan_paths
    for result in scan_paths(["contracts/"], playbook="dora", options={"critical_function": True}, jobs=2):
        print(result.path, result.coverage, [f.rule_id for f in result.provisions if f.status == "missing"])

One document at a time: ``clausescan.scan.scan_document``; the data types are in ``clausescan.model``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from clausescan.batch import scan_paths
from clausescan.scan import ScanOptions, scan_document

__all__ = ["ScanOptions", "__version__", "scan_document", "scan_paths"]
