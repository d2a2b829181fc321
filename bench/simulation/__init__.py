"""Partnerships simulated day by day with a known truth, to judge the alert rules.

`world` builds a healthy partnership, `plants` adds one known pattern from a known day,
`replay` evaluates the rules every simulated day and follows each alert's life.
"""
