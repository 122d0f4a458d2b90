"""Providers as Mesa agents: acute trust, community services, GP practices, ambulance, host, regulator; network.

The regulator oversees the 18-week and 4-hour standards and the providers respond to it.

Each provider owns its state and its decisions; pathways ask it through narrow methods (is a bed free, will
the trust admit at the margin, how many UCR slots are left) and never set its attributes.
"""
