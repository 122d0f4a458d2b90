"""The interactive app: a Solara server with a single-model page and a side-by-side comparison page.

Each browser session's runs live in a worker process (`worker`), driven by the session's one play loop
(`session`); `one_run` and `paired_run` turn runs into what a page shows (`view`), drawn as SVG (`charts`,
`svgchart`, `pictures`) with tables (`results`) and words (`story`). `components`, `single` and `comparison` are
the Solara pages, `pages` the routes; `ihoabm.cli.serve` is `ihoabm app`. Importing this package does not import
Solara.
"""
