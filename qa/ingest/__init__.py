"""Turning source files into parsed documents and chunks."""
