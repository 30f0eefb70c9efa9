"""Fault injection: the real stack with parts killed, frozen and restarted mid-request."""
