"""spending.png and comparison.png read as a finance committee expects: whole years, legends off the data, £."""

from __future__ import annotations

import pandas as pd

from ihoabm.outputs import catalogue, plots


def _annual(years: int = 5) -> pd.DataFrame:
    rows = []
    for y in range(1, years + 1):
        row = {n: 1.0e6 * y for n in catalogue.ANNUAL}
        row.update(scenario="iho_invest_to_save", seed=3, year=y, population=50_000.0,
                   acute_surplus=-2.0e5 * y, community_surplus=0.0, host_surplus=0.0)   # two lines on top
        rows.append(row)
    return pd.DataFrame(rows)


def test_spending_has_whole_year_ticks_a_titled_scenario_and_legends_off_the_bars():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = plots.spending(_annual())
    FigureCanvasAgg(fig).draw()
    bars, surplus = fig.axes[0], fig.axes[1]
    for ax in (bars, surplus):
        assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3", "4", "5"]
        assert "contract year" in ax.get_xlabel()
    assert "iho_invest_to_save" in fig.get_suptitle() and "50,000 residents" in fig.get_suptitle()
    assert "£" in bars.get_ylabel() and "£ million" in surplus.get_ylabel()
    # Each legend sits to the right of its axes, so it covers no bar and no line.
    renderer = fig.canvas.get_renderer()
    for ax in (bars, surplus):
        legend = ax.get_legend().get_window_extent(renderer)
        assert legend.x0 >= ax.get_window_extent(renderer).x1 - 1
    # Community and host surpluses are both 0 here: each line still shows (its own marker size and dashes).
    lines = {line.get_label(): line for line in surplus.get_lines() if not line.get_label().startswith("_")}
    community, host = lines[catalogue.label("community_surplus")], lines[catalogue.label("host_surplus")]
    assert community.get_markersize() > host.get_markersize() and community.get_linestyle() != host.get_linestyle()
    assert surplus.get_lines().index(community) < surplus.get_lines().index(host)   # the larger drawn first


def test_comparison_titles_carry_the_run_size_and_money_in_pounds():
    comp = pd.DataFrame({"metric": "spend_total", "year": [1, 2], "diff": [1e6, 2e6], "diff_lo": [0.0, 1e6],
                         "diff_hi": [2e6, 3e6]})
    fig = plots.comparison(comp, "A", "B", metrics=("spend_total",), about="6 replications of 50,000 residents")
    assert "6 replications of 50,000 residents" in fig.get_suptitle()
    assert fig.axes[0].get_title() == "Spending on care (£ million a year)"
    assert fig.axes[0].get_xlabel() == "contract year"
