"""The console's pages, one module per area (cases, live chats, accounts, training...)."""
