"""Run folders: staged and swapped in whole, their manifest, their audit and regeneration."""
