"""sitegen: a static portfolio generator that publishes photos on the photographer's terms."""

__version__ = "0.1.0"
