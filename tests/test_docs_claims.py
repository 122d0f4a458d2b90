"""What the README's caption and the workshop guide and handout say the model shows, checked against runs.

Each claim is a phrase that must appear in a document and a check of the model's output. If a model change makes
a check fail, rewrite the sentence to match the model (never tune the model to match the text); if someone
rewrites the sentence, the phrase here must change with it, so text and check cannot drift apart.

The README caption describes the main job (6 replications of 50,000 residents over 5 years); its directions are
checked on 2 of those replications (seeds 1 and 2), where each holds. The guide's and handout's sentences about
each notebook are checked by that notebook's own hidden assertions (tests/test_notebooks.py); here they are
checked for being there, and for pointing at a notebook that states the same thing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ihoabm.experiments.compare import replicate
from ihoabm.outputs import workshop as ws

ROOT = Path(__file__).resolve().parents[1]
PBR, API, IHO = "pbr_2004", "api_today", "iho_invest_to_save"
YEARS = range(1, 6)


def _text(path: str) -> str:
    """A document's text on one line; a notebook's comment markers (`# `) are dropped."""
    text = (ROOT / path).read_text(encoding="utf-8")
    if path.endswith(".py"):
        text = re.sub(r"(?m)^# ?", "", text)
    return re.sub(r"\s+", " ", text)


def _caption() -> str:
    readme = _text("README.md")
    start = readme.index("*The main job:")
    return readme[start:readme.index("*", start + 1) + 1]


@pytest.fixture(scope="module")
def main_job():
    """The main job's arms on 2 of its seeds, at its population and length."""
    return replicate([PBR, API, IHO], seeds=[1, 2], overrides={"run.patients": 50_000, "run.years": 5})


def _mean(runs, arm, metric, year=None):
    return ws.effect(runs, PBR, arm, metric, year).mean


# phrase in the caption -> check on the main job's runs
CAPTION = {
    "Both cut emergency admissions against PbR in every year, by similar amounts (about 3.5% to 7%)":
        lambda r: all(-0.08 < _mean(r, arm, "nel_admissions", y) / ws.level(r, PBR, "nel_admissions", y).mean < -0.025
                      for arm in (API, IHO) for y in YEARS),
    "both pay the trust more than PbR":
        lambda r: all(_mean(r, arm, "acute_surplus", y) > 0 for arm in (API, IHO) for y in YEARS),
    "the IHO's admissions fall in year 1, before it has spent anything extra on community services":
        lambda r: _mean(r, IHO, "nel_admissions", 1) < 0 and abs(_mean(r, IHO, "spend_community", 1)) < 1_000,
    "fewer ambulance conveyances in every year (most in year 3, about 15%)":
        lambda r: all(_mean(r, IHO, "conveyances", y) < 0 for y in YEARS)
        and min(YEARS, key=lambda y: _mean(r, IHO, "conveyances", y)) == 3
        and -0.20 < _mean(r, IHO, "conveyances", 3) / ws.level(r, PBR, "conveyances", 3).mean < -0.10,
    "fewer A&E attendances from year 2":
        lambda r: all(_mean(r, IHO, "ae_attendances", y) < 0 for y in YEARS[1:]),
    "extra spending on community services (year 2) and GP proactive care (years 2-4)":
        lambda r: _mean(r, IHO, "spend_community", 2) > 0.5e6
        and max(YEARS, key=lambda y: _mean(r, IHO, "spend_community", y)) == 2
        and all(_mean(r, IHO, "spend_primary", y) > 0.5e6 for y in (2, 3, 4)),
    "makes total spending peak in years 2-3":
        lambda r: max(YEARS, key=lambda y: _mean(r, IHO, "spend_total", y)) in (2, 3),
    "The host ends year 1 with a small surplus on average, and in deficit every year after":
        lambda r: _mean(r, IHO, "host_surplus", 1) > 0 and all(_mean(r, IHO, "host_surplus", y) < 0 for y in YEARS[1:]),
}


@pytest.mark.parametrize("phrase", list(CAPTION))
def test_caption_states_the_claim(phrase):
    assert phrase in _caption(), f"The README caption no longer says {phrase!r}: update CAPTION in this test"


@pytest.mark.slow
@pytest.mark.parametrize("phrase", list(CAPTION))
def test_caption_claim_holds(phrase, main_job):
    assert CAPTION[phrase](main_job), (f"The model no longer shows what the README caption says: {phrase!r}. "
                                       "Re-run `ihoabm compare` and rewrite the caption to match it.")


# phrase in the guide or handout -> (notebook, phrase in that notebook's text that its hidden checks assert)
STATED_IN_NOTEBOOKS = {
    ("docs/workshop/facilitator_guide.md", "the fall comes from the acute trust's price"):
        ("02_pbr_vs_iho", "It comes from the acute trust's **price**"),
    ("docs/workshop/facilitator_guide.md", "the host makes a surplus in year 1 and deficits after"):
        ("02_pbr_vs_iho", "The host makes a **surplus in year 1**"),
    ("docs/workshop/facilitator_guide.md", "does not pay back within the run"):
        ("03_invest_to_save", "**It does not pay back within the run.**"),
    ("docs/workshop/facilitator_guide.md", "horizons of 2, 7 and 15 years give nearly the same result"):
        ("03_invest_to_save", "The three horizons give **nearly the same result**"),
    ("docs/workshop/facilitator_guide.md", "narrows the interval many times over"):
        ("04_uncertainty_and_sweeps", "**far more than the square-root rule's"),
    ("docs/workshop/facilitator_guide.md", "what the alliance shares is a deficit"):
        ("05_design_an_iho_contract", "Here the result being shared is a **deficit**"),
    ("docs/workshop/facilitator_guide.md", "it invests less"):
        ("05_design_an_iho_contract", "what it does not spend shows up as a better result"),
    ("docs/workshop/facilitator_guide.md", "the ICB taking 90% moves money, not care"):
        ("05_design_an_iho_contract", "**The ICB taking 90% moves money, not care.**"),
    ("docs/workshop/facilitator_guide.md", "Fast mode is for tests only"):
        ("02_pbr_vs_iho", "the size the automatic tests run"),
}


@pytest.mark.parametrize("where", list(STATED_IN_NOTEBOOKS), ids=lambda w: w[1][:40])
def test_guide_claims_are_the_notebooks_checked_claims(where):
    doc, phrase = where
    notebook, stated = STATED_IN_NOTEBOOKS[where]
    assert phrase.lower() in _text(doc).lower(), f"{doc} no longer says {phrase!r}: update this test"
    assert stated in _text(f"notebooks/{notebook}.py"), (
        f"notebooks/{notebook}.py no longer states {stated!r}, which {doc} relies on: rewrite {doc} to match")
