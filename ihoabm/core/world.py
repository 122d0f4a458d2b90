"""What a pathway sees of the simulated place: a typed view, narrower than the model.

Pathways take a `World`, never the model class itself: the population, the day's random streams and rate
tables, the tallies and the journey tracker, the day's accounts, and the providers they ask for decisions
and capacity. `IHOModel` is one, by its attributes; a test can pass any object that has them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from ihoabm.core.population import Population
    from ihoabm.core.rng import Streams
    from ihoabm.core.sampling import RateTable
    from ihoabm.money.accounts import Accounts
    from ihoabm.outputs.tally import Tally, TrustTally
    from ihoabm.providers.acute import AcuteTrust, WaitingList
    from ihoabm.providers.ambulance import AmbulanceService
    from ihoabm.providers.community import CommunityProvider
    from ihoabm.providers.independent import IndependentSector
    from ihoabm.providers.patient import Tracker
    from ihoabm.providers.practices import Practices
    from ihoabm.scenario.schema import Scenario


class World(Protocol):
    """The place on one day, as the pathways see it."""

    scenario: Scenario
    day: int
    pop: Population
    streams: Streams
    tables: dict[str, RateTable]
    tally: Tally
    tracker: Tracker
    accounts: Accounts
    prevention_stock: float
    acute: AcuteTrust                   # the main trust
    trusts: list[AcuteTrust]            # every acute trust of the place, the main one first
    trust_tally: TrustTally
    independent: IndependentSector | None
    year: int
    waiting_list: WaitingList
    community: CommunityProvider
    ambulance: AmbulanceService
    practices: Practices

    def population_size(self) -> int:
        """Living residents."""
        ...

    def network_trust(self, a: str, b: str) -> float:
        """Trust between two partners on the provider network (0 to 1)."""
        ...

    def elective_purchase_share(self) -> float:
        """Share of elective capacity its payer buys."""
        ...

    def release_from_care(self, rows: np.ndarray) -> None:
        """Take people out of beds, the A&E bed queue and the virtual ward (deaths)."""
        ...
