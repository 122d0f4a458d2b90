"""The `ihoabm` command line: one module per group of commands, registered in `commands.py`.

Bad input is one line naming the file, key and what is allowed, with exit code 2 (`tools.friendly`).
"""
