"""Measuring tools that are not part of the running product (``make bench-chat``)."""
