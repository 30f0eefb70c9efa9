"""Email: editable templates, rendering, the durable outbox, and delivery (SMTP or pickup)."""
