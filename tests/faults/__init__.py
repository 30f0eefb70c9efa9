"""Fault injection against the real stack: a part killed, frozen, or the database refusing."""
