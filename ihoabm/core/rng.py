"""Named random streams: one generator per random process, all spawned from one seed.

Each process (deaths, crises, triage, ...) draws only from its own stream, so changing how often one
process draws never shifts the draws of another. That is what gives paired scenario comparisons common
random numbers: replication k of scenario A and of scenario B see the same underlying randomness.
"""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    """A lazily created family of `numpy.random.Generator`, one per process name.

    Args:
        seed: The run's seed; anything `int()` accepts (the Solara seed box sends text).
    """

    def __init__(self, seed: int | str) -> None:
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        """Return the generator for process `name`, creating it on first use."""
        gen = self._streams.get(name)
        if gen is None:
            # crc32 is stable across runs and platforms, unlike hash().
            seq = np.random.SeedSequence(entropy=self.seed, spawn_key=(zlib.crc32(name.encode()),))
            gen = np.random.Generator(np.random.PCG64(seq))
            self._streams[name] = gen
        return gen

    def derived_seed(self, name: str) -> int:
        """Return a stable 32-bit integer seed for libraries that take an int (networkx)."""
        return int(self[f"seed:{name}"].integers(0, 2**31 - 1))
