"""Documents residents send in the chat (proof of identity, of address, of authority)."""
