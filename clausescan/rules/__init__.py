"""Playbooks (YAML rules) and the engine that checks classified clauses against them."""

from clausescan.rules.engine import evaluate
from clausescan.rules.loader import Check, Playbook, Rule, builtin_playbooks, load_playbook

__all__ = ["Check", "Playbook", "Rule", "builtin_playbooks", "evaluate", "load_playbook"]
