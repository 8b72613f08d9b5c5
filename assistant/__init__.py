"""Question answering over news articles, with every sentence of an answer cited."""

__version__ = "0.1.0"
