"""Sectors, power tiers and the four indicators of disruptive power dynamics."""
