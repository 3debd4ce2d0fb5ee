"""The JSON contract (schema_version 1): deterministic, sorted keys, no timestamps."""

from __future__ import annotations

import json

from clausescan.formats import FormatOptions, register
from clausescan.model import Report


@register("json", ".json")
def render_json(report: Report, options: FormatOptions) -> str:
    data = report.to_dict()
    if not options.include_text:
        for d in data["documents"]:
            d["clauses"] = []
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
