"""A small panel of IHO contract levers for the workshop notebooks (ipywidgets), with fixed ranges.

`Panel` shows one slider or tick box per lever, each limited to a range a participant can sensibly try, so a
wrong value cannot be entered. `Panel.overrides()` reads the current values as scenario overrides
(`section.key`), so the cell after the panel runs the design whether or not anyone moved a slider: the panel
works the same in JupyterLab and when a notebook is run without a screen (the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ihoabm.scenario import load_scenario


@dataclass(frozen=True)
class Lever:
    """One contract lever: the scenario key it sets, a label and the range offered."""

    key: str
    label: str
    low: float
    high: float
    step: float


LEVERS: tuple[Lever, ...] = (
    Lever("contract.capitation_level", "Capitation, as a share of the cost the ICB observed", 0.85, 1.10, 0.01),
    Lever("contract.need_weighting", "Capitation weighted for need", 0, 1, 1),
    Lever("contract.risk_share_corridor", "Risk-share corridor (share of the contract the host keeps alone)",
          0.0, 0.05, 0.005),
    Lever("contract.risk_share_icb", "ICB's share of a result beyond the corridor", 0.0, 1.0, 0.1),
    Lever("contract.invest_to_save_premium", "Invest-to-save premium (share of a community contact's price)",
          0.0, 0.5, 0.05),
    Lever("contract.invest_to_save_years", "Years the premium is paid", 0, 8, 1),
    Lever("contract.tied_funding_share", "Tied funding (share held back against emergency admissions)",
          0.0, 0.1, 0.01),
    Lever("host.horizon_years", "Host's planning horizon (years)", 1, 15, 1),
    Lever("host.max_invest_share", "Most the host may invest a year (share of the contract)", 0.0, 0.08, 0.005),
)


class Panel:
    """Sliders for the contract levers, starting from a built-in scenario's values."""

    def __init__(self, scenario: str = "iho_lead_provider") -> None:
        """Build the sliders, each set to `scenario`'s value."""
        import ipywidgets as w

        self.scenario = scenario
        sc = load_scenario(scenario)
        self.widgets: dict[str, Any] = {}
        style = {"description_width": "26em"}
        layout = w.Layout(width="44em")
        for lever in LEVERS:
            section, name = lever.key.split(".")
            value = getattr(getattr(sc, section), name)
            if lever.step == 1 and lever.high == 1 and lever.low == 0:
                widget = w.Checkbox(value=bool(value), description=lever.label, style=style, layout=layout)
            elif float(lever.step).is_integer():
                widget = w.IntSlider(value=int(value), min=int(lever.low), max=int(lever.high), step=int(lever.step),
                                     description=lever.label, style=style, layout=layout)
            else:
                widget = w.FloatSlider(value=min(max(float(value), lever.low), lever.high), min=lever.low,
                                       max=lever.high, step=lever.step, description=lever.label, style=style,
                                       layout=layout, readout_format=".3f")
            self.widgets[lever.key] = widget
        self.box = w.VBox([w.HTML(f"<b>Starting from {scenario}</b>"), *self.widgets.values()])

    def overrides(self) -> dict[str, Any]:
        """The panel's current values as scenario overrides."""
        return {key: (bool(widget.value) if isinstance(widget.value, bool) else widget.value)
                for key, widget in self.widgets.items()}

    def set(self, **values: Any) -> None:
        """Set levers by key (`contract.tied_funding_share=0.03`); a value outside its range is refused."""
        for key, value in values.items():
            widget = self.widgets.get(key)
            if widget is None:
                raise KeyError(f"{key} is not a lever on this panel; the levers are {', '.join(self.widgets)}")
            if not isinstance(value, bool) and not widget.min <= value <= widget.max:
                raise ValueError(f"{key} = {value} is outside the panel's range, {widget.min} to {widget.max}")
            widget.value = value

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)
