"""One module per CLI command; the CLI only parses options and calls these."""
