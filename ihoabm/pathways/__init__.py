"""Patient pathways: vectorised processes that move people between care states.

Pathway code reads patients' attributes and providers' capacities and behaviour; it never reads the payment
contract form (a test checks this).
"""
