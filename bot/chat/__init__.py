"""Conversations as the resident saw them: transcripts, and the queue of handoffs to staff."""
