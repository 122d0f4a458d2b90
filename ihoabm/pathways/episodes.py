"""An urgent episode: the people affected today and the uniforms that decide each step of their pathway.

Every episode carries the same fixed columns of uniforms from its own stream, so whatever a provider
decides, the next step's draws are the same in two paired scenarios (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

THIN, ROUTE, ACUITY, DEST, MARGIN, ZERO, LOS, SUPPORT, PRIORITY = range(9)
COLUMNS = 9


@dataclass
class Episodes:
    """People with an urgent need today (`rows`) and their decision uniforms (`u`, one row each)."""

    rows: np.ndarray
    u: np.ndarray

    def __len__(self) -> int:
        return int(self.rows.size)

    def take(self, mask: np.ndarray) -> Episodes:
        """The subset selected by a boolean mask or index array."""
        return Episodes(self.rows[mask], self.u[mask])

    def by_priority(self) -> Episodes:
        """The same episodes in random arrival order (who is first in line for a scarce place)."""
        return self.take(np.argsort(self.u[:, PRIORITY], kind="stable"))

    @staticmethod
    def join(*parts: Episodes) -> Episodes:
        """Concatenate several sets of episodes."""
        return Episodes(np.concatenate([p.rows for p in parts]), np.concatenate([p.u for p in parts]))

    @staticmethod
    def empty() -> Episodes:
        """No episodes."""
        return Episodes(np.empty(0, dtype=np.int64), np.empty((0, COLUMNS)))
