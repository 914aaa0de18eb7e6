"""Analyses of an allocation beside the case: the status-quo baseline, equity, comparison, independent verification."""
