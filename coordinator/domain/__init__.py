"""Pure logic: no Flask, SQLAlchemy, Redis or models are imported here."""
