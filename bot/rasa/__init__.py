"""Running Rasa: its endpoints file, training the model, and the runner that starts every part."""
