"""clausescan: can the customer get out? Exit-readiness checks for outsourcing contracts.

Library API (the CLI is a thin layer over these)::

    from clausescan import scan_paths, ScanOptions
    for result in scan_paths(["contracts/"], ScanOptions(playbook="dora")):
        print(result.path, result.coverage)
"""

from __future__ import annotations

__version__ = "0.1.0"

from clausescan.scan import ScanOptions, scan_document, scan_paths

__all__ = ["ScanOptions", "__version__", "scan_document", "scan_paths"]
