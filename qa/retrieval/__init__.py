"""Dense, lexical and fused retrieval over chunks."""
