"""Fitting the answer step: questions generated from an index, and the decision models trained on them."""
