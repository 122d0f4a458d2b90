"""IHO authorisation: the policy paper's conditions for holding the contract, as rules a scenario must meet.

NHS Confederation and Browne Jacobson ("Towards integrated health organisations", summary) recommend a
transparent authorisation process that assesses the host board's population health management capability,
its collaboration and risk-sharing agreements, and name the foundation trust 51 per cent income threshold.
Three rules follow, checked when a scenario loads (the schema calls `authorisation_error`):

1. **Own delivery.** The host must deliver at least `contract.host_own_delivery_min` of the contract value
   itself. What a host delivers itself is its host type's services, judged from published spending shares
   (`ihoabm.money.host_types`): an acute trust about 72%, a community trust 13%, a primary care collaborative
   14%, a separate host nothing. The paper's threshold is 51%.
2. **Population health management capability.** The host board must plan over at least
   `contract.host_min_horizon_years` (its `host.horizon_years`): prevention and community investment pay back
   over years, not months.
3. **Risk sharing.** A host that is a provider must have a risk-sharing agreement: the ICB shares results
   beyond the corridor (`contract.risk_share_icb` above 0) or the partners do (`contract.host_variant`
   alliance).

Each rule applies only where a host holds an IHO contract (`contract.regime = "iho"`).
"""

from __future__ import annotations

from typing import Any

from ihoabm.money.host_types import HOST_TYPES


def authorisation_error(contract: Any, host: Any) -> tuple[str, str, str] | None:
    """The first authorisation rule the scenario breaks, as (keys, what is allowed, what it has), or None.

    Args:
        contract: The scenario's `[contract]` section.
        host: The scenario's `[host]` section.
    """
    if contract.regime != "iho":
        return None
    kind = HOST_TYPES[contract.host_type]
    share = kind.reference_own_share
    if share < contract.host_own_delivery_min:
        able = ", ".join(f"{n} ({t.reference_own_share:g})" for n, t in HOST_TYPES.items()
                         if t.reference_own_share >= contract.host_own_delivery_min)
        return ("contract.host_own_delivery_min,contract.host_type",
                f"the host must deliver at least host_own_delivery_min of the contract value itself (the policy "
                f"paper's 51% rule); a {kind.name} host delivers {kind.delivers}, so allowed: "
                f"host_own_delivery_min at most {share:g}, or a host_type that delivers enough: {able or 'none'}",
                f"host_type = \"{kind.name}\", host_own_delivery_min = {contract.host_own_delivery_min:g}")
    if host.horizon_years < contract.host_min_horizon_years:
        return ("contract.host_min_horizon_years,host.horizon_years",
                "authorisation needs population health management capability: the host must plan over at least "
                "host_min_horizon_years, so allowed: host.horizon_years at least host_min_horizon_years",
                f"horizon_years = {host.horizon_years:g}, host_min_horizon_years = "
                f"{contract.host_min_horizon_years:g}")
    if kind.own_accounts and contract.risk_share_icb <= 0 and contract.host_variant != "alliance":
        return ("contract.risk_share_icb,contract.host_variant",
                "authorisation needs a risk-sharing agreement for a host that is a provider, so allowed: "
                "risk_share_icb above 0, or host_variant = \"alliance\"",
                f"risk_share_icb = {contract.risk_share_icb:g}, host_variant = \"{contract.host_variant}\"")
    return None
