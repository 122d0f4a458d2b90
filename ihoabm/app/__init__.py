"""The interactive app: a Solara server with a single-model page and a side-by-side comparison page.

Modules: `params` (control values to a valid scenario), `series` and `figures` (what is plotted), `lockstep`
(an IHO run and its comparators in lockstep), `components`, `single` and `comparison` (Solara pages), `pages`
(routes) and `command` (`ihoabm app`). Importing this package does not import Solara.
"""
