"""Background work on the corpus and its journal: uploads, deletions and ingests that survive a crash."""
