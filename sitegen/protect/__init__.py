"""Machine-readable rights and opt-out signals generated from the config and the content model."""
