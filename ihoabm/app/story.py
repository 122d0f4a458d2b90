"""The words on the page: what PbR and an IHO are, friendly scenario titles, what to watch, lever tips, notes.

Scenario descriptions and questions come from the scenario files (`[meta]`); the short titles and "what to
watch" lines for the built-in scenarios are here, as the app's own wording, with the file's description as the
fallback for any other scenario. A facilitator's notes are read from a Markdown file named by
`ihoabm app --notes FILE` (passed to the server as `IHOABM_APP_NOTES`).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from ihoabm.scenario import builtin_names, load_scenario

NOTES_ENV = "IHOABM_APP_NOTES"
NOTES_MAX_CHARS = 20_000

EXPLAINER = """
**Payment by Results (PbR)**, from 2004: the hospital is paid a national price (the tariff) for every patient
it treats, so each extra admission brings in money. **Today's rules** (aligned payment and incentive) pay a
fixed sum for most emergency care instead.

An **Integrated Health Organisation (IHO)** is one organisation paid a fixed amount per resident a year
(*capitation*) for all of a population's care. It then pays the hospital, community services, GPs and the
ambulance service itself, so money kept out of hospital can be spent on care at home.

- **Host**: the organisation that holds the IHO contract and the budget.
- **Lead provider**: one host carries the whole financial risk and pays the others.
- **Alliance**: the providers share the risk and any savings between them.
- **Risk-share corridor**: a band of surplus or deficit the host keeps; beyond it the ICB (the local NHS
  commissioner) shares the gain or the loss.
- **Invest-to-save premium**: extra money for community care in the first years, because savings in hospital
  come later than the spending that causes them.

Every run starts with a **burn-in year** paid under PbR, so the population settles; the scenario's own
contract starts at the purple dashed line (**new contract starts**).
"""

TITLES = {
    "pbr_2004": "Payment by Results (2004): a price for every hospital patient",
    "pbr_mret": "PbR with the marginal rate rule (2010-2019)",
    "blended_2019": "Blended payment for emergency care (2019)",
    "block_2020": "Block contracts (COVID-19, 2020)",
    "api_today": "Today's rules: aligned payment and incentive",
    "bundle_emergency_30d": "A bundle: one price for an emergency and 30 days after",
    "iho_lead_provider": "IHO, lead provider: one host holds the budget and the risk",
    "iho_alliance": "IHO, alliance: partners share the risk",
    "iho_invest_to_save": "IHO with an invest-to-save premium for community care",
    "iho_underfunded": "IHO paid 7% less than care costs",
    "iho_no_need_weighting": "IHO paying the same per head whatever the need",
    "pbr_low_community": "PbR with little community care",
    "pbr_high_community": "PbR with generous community care",
    "iho_acute_host": "IHO hosted by the acute trust",
    "iho_community_host": "IHO hosted by the community trust",
    "iho_integrated": "IHO held by one merged organisation",
    "iho_leadership_turnover": "IHO whose leaders keep changing",
    "iho_oversight_intervention": "IHO taken back by the ICB after two years in deficit",
}

# For table columns and legends, where a full title would not fit.
SHORT = {
    "pbr_2004": "PbR 2004", "pbr_mret": "PbR with MRET", "blended_2019": "Blended 2019", "block_2020": "Block 2020",
    "api_today": "Today (API)", "bundle_emergency_30d": "30-day bundle", "iho_lead_provider": "IHO lead provider",
    "iho_alliance": "IHO alliance", "iho_invest_to_save": "IHO invest-to-save", "iho_underfunded": "IHO underfunded",
    "iho_no_need_weighting": "IHO flat per head", "pbr_low_community": "PbR, low community",
    "pbr_high_community": "PbR, high community", "iho_acute_host": "IHO, acute host",
    "iho_community_host": "IHO, community host", "iho_integrated": "IHO, merged",
    "iho_leadership_turnover": "IHO, leader turnover", "iho_oversight_intervention": "IHO, ICB steps in",
}

WATCH = {
    "pbr_2004": "Watch the acute trust: each extra admission earns it money, so admissions and its income grow "
                "together.",
    "pbr_mret": "Watch the acute trust's surplus: admissions above last year's level earn only 30% of the price.",
    "blended_2019": "Watch admissions: only a fifth of the price now follows each emergency patient.",
    "block_2020": "Watch activity and the trust's result: no money follows any patient.",
    "api_today": "Watch emergency admissions against PbR: a fixed sum removes most of the pull to admit.",
    "bundle_emergency_30d": "Watch readmissions and community contacts after discharge: the trust pays for them.",
    "iho_lead_provider": "Watch the host's result and community investment after the purple line, then "
                         "conveyances and admissions a year or two later.",
    "iho_alliance": "Watch how the surplus or deficit is shared, and whether trust between partners grows.",
    "iho_invest_to_save": "Watch community spending rise first; fewer conveyances and A&E visits follow later.",
    "iho_underfunded": "Watch the host's deficit, waiting times and the deaths after a care failure.",
    "iho_no_need_weighting": "Watch unmet GP demand and admissions in the most deprived areas.",
    "pbr_low_community": "Watch delayed discharges and bed occupancy: few community places to discharge to.",
    "pbr_high_community": "Watch conveyances and admissions against PbR with little community care.",
    "iho_acute_host": "Watch beds and emergency admissions: the hospital is on the host's books and can close beds "
                      "it no longer needs.",
    "iho_community_host": "Watch community capacity, and whether the sub-contracted acute trust's admissions fall.",
    "iho_integrated": "Watch admissions and spending against a single host: does merging the organisations add "
                      "anything?",
    "iho_leadership_turnover": "Watch the host's community investment stall each time its leadership changes.",
    "iho_oversight_intervention": "Watch the host's deficit, and the year the ICB takes the services back.",
}

LEVER_TIPS = {
    "capitation_level": "IHO scenarios only: the fixed amount per resident, as a multiple of what care cost in "
                        "the burn-in year. Below 1 the host starts short of money.",
    "funding_per_head": "How much is spent on community services (district nursing, urgent response, virtual "
                        "wards) per resident a year.",
    "horizon_years": "IHO scenarios only: how many years ahead the host counts savings when it decides whether "
                     "to invest in community care.",
    "risk_share_icb": "IHO scenarios only: the ICB's share of any surplus or deficit beyond the risk-share "
                      "corridor. 0: the host carries it all.",
    "patients": "How many residents the model simulates. Fewer run faster; results are shown per 1,000.",
    "seed": "Fixes the chance events. The same seed gives the same run; another seed shows chance at work.",
    "years": "How many years the run goes on after the burn-in year. Short runs suit a workshop.",
    "scenario": "The payment rules (and any other setting) the run uses after the burn-in year.",
}


@functools.cache
def _meta(name: str) -> tuple[str, str, str]:
    meta = load_scenario(name).meta
    return meta.description, meta.question, meta.name


def title(name: str) -> str:
    """A scenario's friendly title (its file's description where the app has none)."""
    return TITLES.get(name) or _meta(name)[0] or humanised(name)


def humanised(name: str) -> str:
    """A scenario name in words, for one the app has no label for: 'iho_acute_host' -> 'IHO acute host'."""
    upper = {"iho": "IHO", "pbr": "PbR", "api": "API", "icb": "ICB", "gp": "GP"}
    return " ".join(upper.get(w, w) for w in name.split("_"))


def short(name: str) -> str:
    """A scenario's short label, for table columns and legends."""
    return SHORT.get(name) or humanised(name)


def watch(name: str) -> str:
    """What to watch in a scenario (its file's question where the app has no line for it)."""
    return WATCH.get(name) or _meta(name)[1]


def question(name: str) -> str:
    """The question the scenario's file says it answers."""
    return _meta(name)[1]


def description(name: str) -> str:
    """The scenario file's one-line description."""
    return _meta(name)[0]


def about(names: list[str]) -> str:
    """Markdown: each scenario's title, and its file's description and question."""
    seen = dict.fromkeys(names)
    return "\n".join(f"- **{title(n)}** (`{n}`): {description(n)} *Question:* {question(n)}" for n in seen)


def choices() -> dict[str, str]:
    """Friendly title -> scenario name, for the built-in scenarios in their listed order."""
    return {title(n): n for n in builtin_names()}


def notes_path_problem(path: str) -> str:
    """One line saying what is wrong with a notes file, or "" when it can be read."""
    p = Path(path)
    if not p.is_file():
        return f"--notes {path}: no such file"
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"--notes {path}: cannot be read as UTF-8 text ({exc.__class__.__name__})"
    if len(text) > NOTES_MAX_CHARS:
        return f"--notes {path}: longer than {NOTES_MAX_CHARS:,} characters; keep facilitator notes short"
    return ""


def facilitator_notes() -> str:
    """The facilitator's Markdown notes, or "" when none were given (or the file has gone since)."""
    path = os.environ.get(NOTES_ENV, "")
    if not path or notes_path_problem(path):
        return ""
    return Path(path).read_text(encoding="utf-8")
