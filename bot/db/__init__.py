"""The database: engines and sessions, the shared base and column types, schema and migrations,
work off the event loop, durable files for when it refuses a write."""
