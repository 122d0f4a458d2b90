"""`python -m ihoabm` runs the command line."""

from ihoabm.cli import app

app()
