"""The engine: the model's schedule (the day, month and year), the population as arrays, hazards and random streams.

`model.py` reads as the simulated day; everything it schedules lives in `pathways/` (what happens to people),
`providers/` (who decides, from what they are paid and what they can see) and `money/` (who pays whom).
"""
