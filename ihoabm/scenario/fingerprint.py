"""A scenario's fingerprint: the hash a result set records so anyone can tell which scenario made it."""

from __future__ import annotations

import hashlib

from ihoabm.scenario.loader import to_toml
from ihoabm.scenario.schema import Scenario


def scenario_hash(scenario: Scenario) -> str:
    """First 16 hex digits of the SHA-256 of the resolved scenario TOML a run used (seed included)."""
    return hashlib.sha256(to_toml(scenario).encode()).hexdigest()[:16]
