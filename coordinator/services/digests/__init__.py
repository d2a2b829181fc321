"""Digests: preferences, planning, content, the message and the outbox that sends it."""
