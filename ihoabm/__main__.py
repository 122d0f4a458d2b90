"""`python -m ihoabm` runs the command line."""

from ihoabm.cli.commands import app

app()
