"""What the assistant says and checks: the request form, answer validation, digressions, wording."""
