"""The chat-hub benchmark: simulated residents through the hub and straight to Rasa."""
