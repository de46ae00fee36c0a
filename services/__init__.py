"""Use cases: one function each — load, ask the domain, change, audit, commit."""
