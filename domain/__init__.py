"""Pure workflow rules: states, transitions, who may do what, clocks. No Flask, no database."""
