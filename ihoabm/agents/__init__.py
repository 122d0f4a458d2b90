"""Mesa agents: patients (views) and providers."""
