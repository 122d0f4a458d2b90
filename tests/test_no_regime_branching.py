"""Payment regimes change money only: patient and pathway code never refers to a regime's name."""

import re
from pathlib import Path

import ihoabm

PACKAGE = Path(ihoabm.__file__).parent
PATIENT_AND_PATHWAY = [*sorted((PACKAGE / "pathways").glob("*.py")), PACKAGE / "core" / "hazards.py",
                       PACKAGE / "core" / "population.py", PACKAGE / "core" / "sampling.py",
                       *(PACKAGE / "providers" / f"{name}.py" for name in ("patient", "acute", "ambulance", "community",
                                                                          "practices"))]
FORBIDDEN = re.compile(r"\b(pbr|iho|blended|regime|lead_provider|alliance)\b", re.IGNORECASE)


def test_no_patient_or_pathway_module_names_a_regime():
    offenders = []
    for path in PATIENT_AND_PATHWAY:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if FORBIDDEN.search(code):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_grep_would_catch_a_branch():
    assert FORBIDDEN.search('if model.scenario.contract.regime == "iho":')
