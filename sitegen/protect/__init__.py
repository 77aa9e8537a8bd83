"""Machine-readable rights and opt-out signals: everything that tells machines "no AI training"."""
